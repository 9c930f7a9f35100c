package com.gitinsight.gateway.security;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * Plugin {@code acl} (Kong 3.9 OSS), after the auth plugins: the groups of the request's consumer
 * (its {@code acls}), or the groups its authentication vouched for (SSO roles) when there is no
 * configured consumer, the consumer is the anonymous fallback, or
 * {@code always_use_authenticated_groups} is set; then {@code allow} or {@code deny}. Passing
 * requests carry the groups upstream (X-Consumer-Groups or X-Authenticated-Groups) unless
 * {@code hide_groups_header}.
 */
public class AclFilter extends PluginFilter<AclSchema.Config> {

    private static final long serialVersionUID = 1L;
    static final String FORBIDDEN = "You cannot consume this service";

    private final transient AuthIndex.Current indexes = new AuthIndex.Current();

    public AclFilter() {
        super(AclSchema.NAME, AclSchema.Config.class);
    }

    @Override
    protected void apply(
            AclSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        String consumer = context.consumer();
        // A consumer only the SSO token knows is not one of Kong's: it has no acls.
        AuthIndex.Groups groups = consumer == null
                ? null
                : indexes.of(context.snapshot().config()).groups(consumer);
        boolean credential = context.credentialAuthenticated();
        List<String> authenticated = context.authenticatedGroups();
        boolean allowed;
        String header;
        String value;
        if (groups == null || authenticated != null && (!credential || config.alwaysUseAuthenticatedGroups())) {
            if (authenticated == null) {
                ErrorResponses.write(
                        request, response, credential ? 403 : 401, credential ? FORBIDDEN : "Unauthorized");
                return;
            }
            allowed = allowed(config, authenticated);
            header = "X-Authenticated-Groups";
            value = allowed && !config.hideGroupsHeader() ? String.join(", ", authenticated) : null;
        } else {
            if (groups.set().isEmpty() && !config.deny()) {
                // Kong: a consumer with no groups has none to allow (groups.get_consumer_groups is
                // nil): 403 with a credential, 401 for the anonymous consumer.
                ErrorResponses.write(
                        request, response, credential ? 403 : 401, credential ? FORBIDDEN : "Unauthorized");
                return;
            }
            allowed = allowed(config, groups.set());
            header = "X-Consumer-Groups";
            value = groups.header();
        }
        if (!allowed) {
            ErrorResponses.write(request, response, 403, FORBIDDEN);
            return;
        }
        if (!config.hideGroupsHeader()) {
            // No groups (under deny): Kong's set_header of "" sends the header empty (its
            // normalize_header makes "" a space; the acl access spec reads "" upstream).
            context.upstreamHeader(header, value == null ? "" : com.gitinsight.gateway.http.HeaderText.wire(value));
        }
        chain.doFilter(request, response);
    }

    /** Kong's {@code get_to_be_blocked}: deny blocks a member of a group, allow blocks a non-member. */
    private static boolean allowed(AclSchema.Config config, Collection<String> groups) {
        boolean member = false;
        for (String g : config.groups()) {
            if (groups.contains(g)) {
                member = true;
                break;
            }
        }
        return config.deny() != member;
    }
}
