-- The gateway's configuration store (issue: several nodes, one configuration). One row holds the
-- running declarative document; every change is also a row of the history, which rollback reads.
CREATE TABLE gateway_config (
    id          smallint    PRIMARY KEY CHECK (id = 1),
    version     bigint      NOT NULL,
    hash        text        NOT NULL,
    document    text        NOT NULL,
    format      text        NOT NULL CHECK (format IN ('yaml', 'json')),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text        NOT NULL
);

CREATE TABLE gateway_config_history (
    version     bigint      PRIMARY KEY,
    hash        text        NOT NULL,
    document    text        NOT NULL,
    format      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL,
    action      text        NOT NULL,
    previous    text
);

-- Keys every node must share: the admin API's redaction-token key (a token sent back to any node
-- names the same secret).
CREATE TABLE gateway_keys (
    name        text        PRIMARY KEY,
    value       bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
