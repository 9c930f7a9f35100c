package com.gitinsight.gateway.upstream;

import com.gitinsight.gateway.config.UpstreamSpec.TargetSpec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Asks DNS (dnsjava, which gives the TTLs and SRV records that {@code InetAddress} hides) for the
 * addresses behind a target: for an SRV name (Consul), and for any name with SRV records (Kong's
 * {@code dns_order} asks SRV first), each record of the best priority with its port (0: the
 * target's) and weight; else every A record of the name (a headless Kubernetes Service), AAAA
 * ones when it has none.
 */
final class DnsResolver {

    private final Resolver resolver;

    /** {@code servers} empty: the system's resolvers (resolv.conf). */
    DnsResolver(List<InetSocketAddress> servers, Duration timeout) {
        if (servers.isEmpty()) {
            this.resolver = Lookup.getDefaultResolver();
        } else {
            // Not the no-argument constructor: that one starts with the system's servers.
            ExtendedResolver all = new ExtendedResolver(servers.stream()
                    .map(s -> {
                        SimpleResolver one = new SimpleResolver(s);
                        one.setTimeout(timeout);
                        return (Resolver) one;
                    })
                    .toArray(Resolver[]::new));
            all.setTimeout(timeout);
            this.resolver = all;
        }
    }

    /** The outcome of one resolution: endpoints and the smallest TTL, or why it failed. */
    record Answer(List<Endpoint> endpoints, long ttlSeconds, String error) {
        static Answer failed(String error) {
            return new Answer(List.of(), 0, error);
        }
    }

    Answer resolve(TargetSpec target) {
        try {
            if (target.isSrv()) {
                return srv(target.host(), target.port());
            }
            // Kong's dns_order (LAST, SRV, A, CNAME): SRV first for every name, so a name with SRV
            // records (Consul's service names) goes to their hosts and ports, as on Kong (helper
            // review 166); a name without them falls to its A records.
            Lookup lookup = lookup(target.host(), Type.SRV);
            Record[] records = lookup.run();
            if (records != null && records.length > 0) {
                return srv(target.host(), target.port(), records);
            }
            return addresses(target.host(), target.host(), target.port(), target.weight());
        } catch (TextParseException e) {
            return Answer.failed("not a DNS name: " + e.getMessage());
        }
    }

    private Answer addresses(String lookupName, String hostName, int port, int weight) throws TextParseException {
        List<Endpoint> out = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        String error = null;
        // Kong's dns_order (LAST, SRV, A, CNAME) asks for no AAAA: a name with both gets its IPv4
        // addresses alone (not each address at the full weight, half of them IPv6); AAAA is asked
        // only when there is no A record, so an IPv6-only name still resolves.
        for (int type : new int[] {Type.A, Type.AAAA}) {
            if (!out.isEmpty()) {
                break;
            }
            Lookup lookup = lookup(lookupName, type);
            Record[] records = lookup.run();
            if (records == null) {
                if (lookup.getResult() != Lookup.TYPE_NOT_FOUND) {
                    error = lookup.getErrorString();
                }
                if (type == Type.A
                        && lookup.getResult() != Lookup.TYPE_NOT_FOUND
                        && lookup.getResult() != Lookup.HOST_NOT_FOUND) {
                    break; // A failed (a timeout, SERVFAIL): not a name without A records; keep the last known
                }
                continue;
            }
            for (Record r : records) {
                ttl = Math.min(ttl, r.getTTL());
                if (r instanceof ARecord a) {
                    out.add(new Endpoint(hostName, a.getAddress(), port, weight));
                } else if (r instanceof AAAARecord a) {
                    out.add(new Endpoint(hostName, a.getAddress(), port, weight));
                }
            }
        }
        if (out.isEmpty()) {
            return Answer.failed(lookupName + ": " + (error == null ? "no A or AAAA records" : error));
        }
        out.sort(Comparator.comparing(Endpoint::key));
        return new Answer(List.copyOf(out), ttl, null);
    }

    private Answer srv(String name, int targetPort) throws TextParseException {
        Lookup lookup = lookup(name, Type.SRV);
        Record[] records = lookup.run();
        if (records == null) {
            return Answer.failed(name + ": " + lookup.getErrorString());
        }
        return srv(name, targetPort, records);
    }

    /** {@code records} (SRV) of {@code name}; a record's port 0 is the target's, as Kong's addAddress takes it. */
    private Answer srv(String name, int targetPort, Record[] records) throws TextParseException {
        int best = Integer.MAX_VALUE;
        for (Record r : records) {
            best = Math.min(best, ((SRVRecord) r).getPriority());
        }
        List<Endpoint> out = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        String error = null;
        for (Record r : records) {
            SRVRecord s = (SRVRecord) r;
            ttl = Math.min(ttl, s.getTTL());
            if (s.getPriority() != best) {
                continue;
            }
            String host = s.getTarget().toString(true);
            // An SRV weight of 0 means "rarely", not "never".
            int port = s.getPort() != 0 ? s.getPort() : targetPort;
            Answer a = addresses(s.getTarget().toString(), host, port, Math.max(1, s.getWeight()));
            if (a.error() != null) {
                error = a.error();
                continue;
            }
            ttl = Math.min(ttl, a.ttlSeconds());
            out.addAll(a.endpoints());
        }
        if (out.isEmpty()) {
            return Answer.failed(error == null ? name + ": no usable SRV records" : error);
        }
        out.sort(Comparator.comparing(Endpoint::key));
        return new Answer(List.copyOf(out), ttl, null);
    }

    private Lookup lookup(String name, int type) throws TextParseException {
        Lookup lookup = new Lookup(Name.fromString(name), type);
        lookup.setResolver(resolver);
        // A fresh cache each time: the TTL is honoured by when we ask again, not by a shared cache.
        lookup.setCache(null);
        return lookup;
    }
}
