package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.routing.RequestFacts;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

/** The router's view of a servlet request, with its path already normalised. */
final class ServletRequestFacts implements RequestFacts {

    private final HttpServletRequest request;
    private final String path;
    private final com.gitinsight.gateway.http.PortMaps ports;
    /** The request's header names holding '_' (looked for once, at the first header condition); empty: none. */
    private List<String> underscored;
    /** The client's Connection options (looked for once, at the first header condition). */
    private String connection;

    private boolean connectionRead;

    ServletRequestFacts(HttpServletRequest request, String path) {
        this(request, path, com.gitinsight.gateway.http.PortMaps.NONE);
    }

    ServletRequestFacts(HttpServletRequest request, String path, com.gitinsight.gateway.http.PortMaps ports) {
        this.request = request;
        this.path = path;
        this.ports = ports;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String host() {
        return request.getHeader("Host");
    }

    @Override
    public boolean tls() {
        // The container's own TLS: a proxy's X-Forwarded-Proto is not read here (Kong behind the
        // same proxy sees plain HTTP too).
        return request.isSecure();
    }

    /**
     * The port the client reached when its Host names none: the listener's, through Kong's
     * {@code port_maps} (Kong's router reads {@code ctx.host_port}: a route's {@code host:80}
     * matches a request that came to the 8000 a container publishes as 80; helper review 264).
     */
    @Override
    public int localPort() {
        return ports.hostPort(request.getLocalPort());
    }

    /**
     * The values of a header a route matches on. Kong's router names headers with '-' and '_' alike
     * ({@code http.headers.x_tenant}), and nginx passes underscores ({@code underscores_in_headers on}):
     * {@code X_Tenant: a} matches a route's {@code x-tenant}, as {@code X-Tenant: a} does. Only values
     * the backend will get count (attacker review 188): a route chosen on {@code X_Tenant: a} beside
     * {@code X-Tenant: b} (the gateway forwards the dash spelling only) or on a header the client's
     * {@code Connection} names (not forwarded) would send the backend what the route did not match.
     */
    @Override
    public Enumeration<String> headers(String lowerName) {
        String connection = connection();
        if (connection != null && HopByHop.listsToken(connection, lowerName)) {
            return Collections.emptyEnumeration();
        }
        Enumeration<String> values = request.getHeaders(lowerName);
        List<String> spellings = underscored();
        if (spellings.isEmpty() || lowerName.indexOf('-') < 0 || values != null && values.hasMoreElements()) {
            return values;
        }
        String only = null;
        for (String name : spellings) {
            if (name.length() == lowerName.length() && name.replace('_', '-').equalsIgnoreCase(lowerName)) {
                if (only != null && !only.equalsIgnoreCase(name)) {
                    return Collections.emptyEnumeration(); // two underscore spellings: neither is forwarded
                }
                only = name;
            }
        }
        if (only == null || connection != null && HopByHop.listsToken(connection, only.toLowerCase(Locale.ROOT))) {
            return values;
        }
        return request.getHeaders(only);
    }

    /** The client's Connection options, read once (each header condition asks); null: none. */
    private String connection() {
        if (!connectionRead) {
            connectionRead = true;
            connection = request.getHeader("Connection") == null
                    ? null
                    : HopByHop.connectionOptions(request.getHeaders("Connection"));
        }
        return connection;
    }

    private List<String> underscored() {
        if (underscored == null) {
            underscored = List.of();
            Enumeration<String> names = request.getHeaderNames();
            while (names != null && names.hasMoreElements()) {
                String name = names.nextElement();
                if (name.indexOf('_') >= 0) {
                    if (underscored.isEmpty()) {
                        underscored = new ArrayList<>(2);
                    }
                    underscored.add(name);
                }
            }
        }
        return underscored;
    }

    @Override
    public String headerText(String value) {
        return com.gitinsight.gateway.http.HeaderText.utf8(value);
    }
}
