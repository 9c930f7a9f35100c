/**
 * The Kong declarative file read into immutable records with errors that name file, line and field;
 * the plugin SPI (a schema per plugin, naming its handler); secrets and entity-name rules; the
 * crash-safe file write. Depends on no other package of the gateway and on no Jakarta EE API.
 * Nulls: parameters and results are never null unless their documentation says "or null";
 * collections are empty, not null.
 */
package com.gitinsight.gateway.config;
