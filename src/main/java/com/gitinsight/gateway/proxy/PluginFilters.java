package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.config.PluginHandler;
import com.gitinsight.gateway.config.PluginRegistry;
import com.gitinsight.gateway.config.PluginSchema;
import com.gitinsight.gateway.runtime.ChainOrder;
import jakarta.enterprise.inject.spi.Unmanaged;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the plugin filters (each plugin's handler, found through its schema, plus the infrastructure
 * filters the {@code filters} init-param in web.xml names) as one servlet filter, in Kong's order: by descending priority of the plugin each filter runs (Kong's
 * {@code PRIORITY} for a Kong plugin, see {@code PluginSchema.priority()}), the infrastructure
 * filters at the places they name ({@link ChainOrder}); filters of equal order keep their web.xml
 * order. The container wraps every filter it calls in a component invocation (about 11% of the
 * proxy path's CPU with eleven filters, in a JFR profile); here it does so once. Each filter stays
 * an ordinary {@link HttpFilter}, created and injected through CDI.
 */
public class PluginFilters extends HttpFilter {

    private static final long serialVersionUID = 1L;

    private transient List<Unmanaged.UnmanagedInstance<HttpFilter>> instances;
    private transient HttpFilter[] filters;

    @Override
    public void init(FilterConfig config) throws ServletException {
        super.init(config);
        instances = new ArrayList<>();
        PluginRegistry plugins = PluginRegistry.builtIn();
        List<HttpFilter> made = new ArrayList<>();
        for (String name : filterClasses(config.getInitParameter("filters"), plugins)) {
            HttpFilter filter = create(name);
            filter.init(config);
            made.add(filter);
        }
        filters = ordered(made, plugins).toArray(HttpFilter[]::new);
    }

    /**
     * The filters to run: the infrastructure filters web.xml names ({@code infrastructure}), then the
     * handler of every plugin the registry holds whose phase is {@code REQUEST}, each class once. A
     * plugin is registered once, with its schema; its filter is not listed anywhere else.
     */
    static Set<String> filterClasses(String infrastructure, PluginRegistry plugins) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : infrastructure == null ? new String[0] : infrastructure.split("[,\\s]+")) {
            if (!name.isBlank()) {
                names.add(name.trim());
            }
        }
        plugins.schemas().stream()
                .map(PluginSchema::handler)
                .filter(h -> h.phase() == PluginHandler.Phase.REQUEST)
                .map(PluginHandler::className)
                .sorted()
                .forEach(names::add);
        return names;
    }

    /**
     * {@code filters} in the order they run: by descending {@link ChainOrder#order}, ties in the
     * order given. A filter that does not say where it runs is an error, not a guess.
     */
    static <F> List<F> ordered(List<F> filters, PluginRegistry plugins) throws ServletException {
        List<F> out = new ArrayList<>(filters);
        for (F f : out) {
            if (!(f instanceof ChainOrder)) {
                throw new ServletException("plugin filter " + f.getClass().getName() + " does not say where it runs ("
                        + ChainOrder.class.getSimpleName() + ")");
            }
        }
        out.sort(Comparator.comparingLong((F f) -> ((ChainOrder) f).order(plugins))
                .reversed());
        return out;
    }

    @SuppressWarnings("unchecked")
    private HttpFilter create(String className) throws ServletException {
        try {
            Class<? extends HttpFilter> type = (Class<? extends HttpFilter>)
                    Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            Unmanaged.UnmanagedInstance<HttpFilter> instance = ((Unmanaged<HttpFilter>) new Unmanaged<>(type))
                    .newInstance()
                    .produce()
                    .inject()
                    .postConstruct();
            instances.add(instance);
            return instance.get();
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new ServletException("plugin filter " + className + " cannot be made: " + e, e);
        }
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        new Chain(filters, chain).doFilter(request, response);
    }

    /** The filters in order, then the rest of the container's chain. */
    private static final class Chain implements FilterChain {
        private final HttpFilter[] filters;
        private final FilterChain rest;
        private int next;

        Chain(HttpFilter[] filters, FilterChain rest) {
            this.filters = filters;
            this.rest = rest;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
            if (next < filters.length) {
                filters[next++].doFilter(request, response, this);
            } else {
                rest.doFilter(request, response);
            }
        }
    }

    @Override
    public void destroy() {
        if (filters != null) {
            for (HttpFilter f : filters) {
                f.destroy();
            }
        }
        if (instances != null) {
            for (Unmanaged.UnmanagedInstance<HttpFilter> i : instances) {
                i.preDestroy().dispose();
            }
        }
    }
}
