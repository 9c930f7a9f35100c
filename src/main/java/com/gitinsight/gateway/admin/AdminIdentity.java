package com.gitinsight.gateway.admin;

import jakarta.servlet.http.HttpServletRequest;

/** Who made an admin request, as the audit log names them: the token's user, or {@code admin-token}. */
public record AdminIdentity(String name, String method, String client) {

    static final String ATTRIBUTE = AdminIdentity.class.getName();

    static AdminIdentity of(HttpServletRequest request) {
        return (AdminIdentity) request.getAttribute(ATTRIBUTE);
    }

    @Override
    public String toString() {
        return name + " (" + method + ", from " + client + ")";
    }
}
