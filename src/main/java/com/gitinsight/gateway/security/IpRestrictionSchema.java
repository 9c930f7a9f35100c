package com.gitinsight.gateway.security;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.http.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Kong's {@code ip-restriction}: {@code allow}/{@code deny} addresses and CIDRs, {@code status}
 * (403), {@code message} (unset: Kong's {@code IP address not allowed: <client address>}).
 */
public final class IpRestrictionSchema implements PluginSchema {

    public static final String NAME = "ip-restriction";

    /** {@code message} null: Kong's default, which names the client's address. */
    public record Config(List<Cidr> allow, List<Cidr> deny, int status, String message) implements PluginConfig {
        public Config {
            allow = List.copyOf(allow);
            deny = List.copyOf(deny);
        }

        /**
         * Kong's order: a denied address is refused; with an allow list, so is any address not on
         * it. A client whose address a trusted proxy gave unreadably (null) is refused: fail closed.
         */
        public boolean permits(java.net.InetAddress address) {
            if (address == null || Cidr.any(deny, address)) {
                return false;
            }
            return allow.isEmpty() || Cidr.any(allow, address);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Kong's ip-restriction handler.lua: after authentication (jwt 1450). */
    /** Kong's {@code typedefs.protocols}: its stream subsystem runs it too. */
    @Override
    public boolean acceptsStreamProtocols() {
        return true;
    }

    @Override
    public int priority() {
        return 990;
    }

    @Override
    public PluginHandler handler() {
        return PluginHandler.filter("com.gitinsight.gateway.security.IpRestrictionFilter");
    }

    @Override
    public PluginConfig parse(PluginFields f) {
        f.allowOnly(Set.of("allow", "deny", "status", "message"), Set.of());
        List<Cidr> allow = cidrs(f, "allow");
        List<Cidr> deny = cidrs(f, "deny");
        // On the values as written (Kong's at_least_one_of): allow: [hello] is its entry's error only.
        if (!f.nonEmpty("allow") && !f.nonEmpty("deny")) {
            f.error("allow", "at least one of these fields must be non-empty: 'config.allow', 'config.deny'");
        }
        return new Config(allow, deny, (int) f.integer("status", 403, 400, 599), f.string("message", null));
    }

    private static List<Cidr> cidrs(PluginFields f, String key) {
        List<Cidr> out = new ArrayList<>();
        for (String s : f.strings(key, List.of())) {
            try {
                if (!s.equals(s.strip())) {
                    // Kong's ip validation takes no blank around the address.
                    throw new IllegalArgumentException("invalid ip or cidr range: '" + s + "'");
                }
                out.add(Cidr.parse(s));
            } catch (IllegalArgumentException e) {
                f.error(key, e.getMessage());
            }
        }
        return out;
    }
}
