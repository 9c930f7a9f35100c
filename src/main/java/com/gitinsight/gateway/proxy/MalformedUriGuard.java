package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.http.ContainerReflection;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lets a request whose path has a malformed percent-escape ({@code /x/%zz}) get the gateway's
 * 400 JSON on Payara. Payara (Grizzly under Catalina) decodes the path before any filter, servlet or
 * error page runs, and a malformed escape there ends as an empty 200 and a SEVERE stack trace. So a
 * probe is added to each Grizzly HTTP listener the gateway receives requests on (found by
 * reflection from the first request it sees there): before Catalina reads the request, a path with a
 * malformed escape is replaced by {@link #MALFORMED}, a path the gateway's {@link ErrorPage}
 * answers with 400. Other servers (WildFly's Undertow refuses such a path itself) are left alone.
 */
final class MalformedUriGuard {

    /** Where a malformed path is sent: answered 400 whoever asks. */
    static final String MALFORMED = "/_gateway/malformed-uri";

    /** Where a path whose escapes spell no UTF-8 is sent: answered 404, no route (Kong's router). */
    static final String NOT_UTF8 = "/_gateway/no-route-uri";

    /** Where a request with an empty Host is sent: answered 400, as nginx refuses it. */
    static final String NO_HOST = "/_gateway/no-host";

    /** The name given to such a request, so that Catalina's mapper can take it to {@link #NO_HOST}. */
    private static final String NO_HOST_NAME = "empty-host.invalid";

    private static final Logger LOG = Logger.getLogger(MalformedUriGuard.class.getName());

    /** HTTP filters guarded so far (identity), and those that cannot be. */
    private final Set<Object> guarded = ConcurrentHashMap.newKeySet();

    private final Set<Integer> portsSeen = ConcurrentHashMap.newKeySet();
    /** The port of the last request: with one listener, the only check a request costs. */
    private volatile int lastPort = -1;

    private volatile Method getPacket;
    private volatile Method getQuery;
    private volatile Method setAttribute;
    private volatile Method getUriRef;
    private volatile Method getUri;
    private volatile Method setUri;
    private volatile Method serverName;
    private volatile Method nameLength;
    private volatile Method nameIsNull;
    private volatile Method setName;

    /** Guards the listener {@code request} came in on, once per listener port. */
    void guardListenerOf(ServletRequest request) {
        int port = request.getLocalPort();
        if (port == lastPort) {
            return;
        }
        lastPort = port;
        if (!portsSeen.add(port)) {
            return;
        }
        ServletRequest r = request;
        while (r instanceof ServletRequestWrapper wrapper) {
            r = wrapper.getRequest();
        }
        try {
            Method unwrap = method(r, "getUnwrappedCoyoteRequest");
            if (unwrap == null) {
                return; // not Payara/GlassFish
            }
            Object grizzly = call(call(r, "getUnwrappedCoyoteRequest"), "getCoyoteRequest");
            Object filter = call(grizzly, "getHttpFilter");
            if (filter == null || !guarded.add(filter)) {
                return;
            }
            Object monitoring = call(filter, "getMonitoringConfig");
            Class<?> probeType = Class.forName(
                    "org.glassfish.grizzly.http.server.HttpServerProbe",
                    false,
                    filter.getClass().getClassLoader());
            Object probe = Proxy.newProxyInstance(probeType.getClassLoader(), new Class<?>[] {probeType}, handler());
            Object probes = Array.newInstance(probeType, 1);
            Array.set(probes, 0, probe);
            // addProbes(E...) erases to Object[]; the array itself must be of the probe type.
            Class.forName("org.glassfish.grizzly.monitoring.MonitoringConfig", false, probeType.getClassLoader())
                    .getMethod("addProbes", Object[].class)
                    .invoke(monitoring, probes);
            LOG.log(Level.FINE, "malformed request paths are answered 400 on port {0}", request.getLocalPort());
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(
                    Level.INFO,
                    "malformed request paths on port " + request.getLocalPort()
                            + " are left to the server (its HTTP layer is not the expected Grizzly): " + e);
        }
    }

    private InvocationHandler handler() {
        return (proxy, method, args) -> {
            switch (method.getName()) {
                case "onRequestReceiveEvent" -> inspect(args[2]);
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "toString" -> {
                    return "MalformedUriGuard probe";
                }
                default -> {}
            }
            return null;
        };
    }

    /** Grizzly's request, before Catalina decodes its path. Never throws into Grizzly. */
    private void inspect(Object grizzlyRequest) {
        try {
            if (getPacket == null) {
                getPacket = grizzlyRequest.getClass().getMethod("getRequest");
            }
            Object packet = getPacket.invoke(grizzlyRequest);
            if (getUriRef == null) {
                getUriRef = packet.getClass().getMethod("getRequestURIRef");
            }
            Object ref = getUriRef.invoke(packet);
            if (getUri == null) {
                getUri = ref.getClass().getMethod("getURI");
                setUri = ref.getClass().getMethod("setURI", String.class);
            }
            if (setAttribute == null) {
                setAttribute = grizzlyRequest.getClass().getMethod("setAttribute", String.class, Object.class);
            }
            String uri = (String) getUri.invoke(ref);
            if (emptyHost(packet)) {
                // "Host:" with no name: Catalina's mapper fails on it (an empty 200 and a SEVERE
                // stack trace per request, helper review 241); nginx answers 400.
                setUri.invoke(ref, NO_HOST);
                return;
            }
            if (uri != null && uri.indexOf('%') >= 0 && hasMalformedEscape(uri)) {
                setUri.invoke(ref, MALFORMED);
            } else if (uri != null && (uri.indexOf('%') >= 0 && notUtf8(uri) || rawNotUtf8(uri))) {
                // Kong's router matches no route on bytes that spell no character: its 404, where
                // Catalina would answer an empty 400 before any part of the gateway ran.
                setUri.invoke(ref, NOT_UTF8);
            } else if (uri != null) {
                String readable = com.gitinsight.gateway.http.SentPath.readable(uri);
                // A path ending in a dot segment ("/p/x/..", "/p/.") fails Grizzly's normaliser: an
                // empty 200 before any part of the gateway ran, a DELETE told it succeeded (helper
                // review 268). Catalina is given it with a slash after (which it resolves), the
                // gateway the path as sent, which it resolves as nginx does ("/p/x/.." is "/p/").
                boolean trailingDots = uri.endsWith("/.") || uri.endsWith("/..");
                if (readable == null && trailingDots) {
                    readable = uri;
                }
                if (readable != null) {
                    // Catalina would take ;jsessionid=... out or refuse a backslash (Kong keeps and
                    // routes both); JAX-RS refuses raw braces: the path as sent kept beside, and
                    // Catalina given one its decoder leaves harmless.
                    setAttribute.invoke(grizzlyRequest, com.gitinsight.gateway.http.SentPath.ATTRIBUTE, readable);
                    if (!readable.equals(uri)) {
                        setAttribute.invoke(grizzlyRequest, com.gitinsight.gateway.http.SentPath.RAW_ATTRIBUTE, uri);
                    }
                    String hidden = com.gitinsight.gateway.http.SentPath.hiddenFromContainer(readable);
                    setUri.invoke(ref, trailingDots ? hidden + "/" : hidden);
                }
            }
            // A bare "?" (Grizzly's empty query; Catalina's null, as for none): marked, so it goes
            // upstream as Kong sends it.
            if (getQuery == null) {
                getQuery = packet.getClass().getMethod("getQueryString");
            }
            String query = (String) getQuery.invoke(packet);
            if (query != null && query.isEmpty()) {
                setAttribute.invoke(grizzlyRequest, com.gitinsight.gateway.http.RawQuery.EMPTY, Boolean.TRUE);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "could not inspect a request path", e);
        }
    }

    /**
     * Whether Grizzly read the request's Host as an empty name ({@code Host:}, {@code Host: :80}),
     * which Catalina's mapper cannot map; if so, the request is given one it can. A request without
     * Host (HTTP/1.0) is not one. Other Hosts that name nothing ({@code Host: .}) reach the
     * gateway's own Host check ({@code RequestFraming}).
     */
    private boolean emptyHost(Object packet) throws ReflectiveOperationException {
        if (serverName == null) {
            serverName = packet.getClass().getMethod("serverName");
        }
        Object name;
        try {
            name = serverName.invoke(packet); // Grizzly's reading of the Host, parsed once
        } catch (java.lang.reflect.InvocationTargetException unparsable) {
            // A port Grizzly cannot read ("a:80x", ":80:80"): Catalina's own parse would fail the
            // same way, an empty 200 and a SEVERE trace per request (helper review 245). The
            // header is given a name both can read; the request is the gateway's 400.
            Object headers = ContainerReflection.call(packet, "getHeaders");
            Object value = ContainerReflection.method(headers, "getValue", String.class)
                    .invoke(headers, "Host");
            if (value == null) {
                return false;
            }
            ContainerReflection.method(value, "setString", String.class).invoke(value, NO_HOST_NAME);
            return true;
        }
        if (nameLength == null) {
            nameLength = name.getClass().getMethod("getLength");
            nameIsNull = name.getClass().getMethod("isNull");
            setName = name.getClass().getMethod("setString", String.class);
        }
        if ((Integer) nameLength.invoke(name) != 0 || (Boolean) nameIsNull.invoke(name)) {
            return false;
        }
        setName.invoke(name, NO_HOST_NAME);
        return true;
    }

    /**
     * Raw bytes beyond ASCII (not escaped) that spell no UTF-8 ({@code /a\xFF}): Grizzly gives
     * them as one character each, and Catalina's decoder would answer an empty {@code 400 Invalid
     * URI}; Kong's router matches no route (helper review 241). Read as their escapes would be.
     */
    static boolean rawNotUtf8(String uri) {
        int i = 0;
        while (i < uri.length() && uri.charAt(i) < 0x80) {
            i++;
        }
        if (i == uri.length()) {
            return false;
        }
        StringBuilder escaped = new StringBuilder(uri.length() * 3);
        for (int j = 0; j < uri.length(); j++) {
            char c = uri.charAt(j);
            if (c > 0xFF) {
                return false; // decoded already: characters, not bytes
            }
            if (c < 0x80) {
                // Escapes kept: a raw byte may end a character an escape began ("/caf%C3" + 0xA9,
                // read as "/café" by the router; helper review 248).
                escaped.append(c);
            } else {
                escaped.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        return notUtf8(escaped.toString());
    }

    /** Escaped bytes that are not UTF-8 ({@code %FF}, an overlong {@code %C0%AE}). */
    static boolean notUtf8(String uri) {
        return com.gitinsight.gateway.config.PathEscapes.decode(uri).problem()
                == com.gitinsight.gateway.config.PathEscapes.Problem.NOT_UTF8;
    }

    /** A {@code %} not followed by two hex digits. */
    static boolean hasMalformedEscape(String uri) {
        for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
            if (i + 2 >= uri.length()
                    || Character.digit(uri.charAt(i + 1), 16) < 0
                    || Character.digit(uri.charAt(i + 2), 16) < 0) {
                return true;
            }
        }
        return false;
    }

    private static Method method(Object target, String name) {
        return ContainerReflection.method(target, name);
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        return ContainerReflection.call(target, method);
    }
}
