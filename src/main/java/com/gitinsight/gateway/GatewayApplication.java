package com.gitinsight.gateway;

import com.gitinsight.gateway.admin.AdminExceptionMapper;
import com.gitinsight.gateway.admin.AdminGuard;
import com.gitinsight.gateway.admin.AdminResource;
import com.gitinsight.gateway.admin.BreakerResource;
import com.gitinsight.gateway.admin.ConfigResource;
import com.gitinsight.gateway.admin.ConsoleResource;
import com.gitinsight.gateway.admin.CredentialsResource;
import com.gitinsight.gateway.admin.EntitiesResource;
import com.gitinsight.gateway.admin.HistoryResource;
import com.gitinsight.gateway.admin.LoginResource;
import com.gitinsight.gateway.admin.TargetsResource;
import com.gitinsight.gateway.observability.HealthResource;
import com.gitinsight.gateway.observability.MetricsResource;
import com.gitinsight.gateway.observability.StatusResource;
import com.gitinsight.gateway.proxy.CurrentRequest;
import com.gitinsight.gateway.proxy.ErrorMapper;
import com.gitinsight.gateway.proxy.ProxyEngine;
import com.gitinsight.gateway.proxy.ProxyResource;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import java.util.Set;

/** The JAX-RS application at the root: the proxy and the gateway's own {@code /_gateway} endpoints. */
@ApplicationPath("/")
public class GatewayApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(
                HealthResource.class,
                StatusResource.class,
                MetricsResource.class,
                ErrorMapper.class,
                AdminResource.class,
                ConfigResource.class,
                EntitiesResource.class,
                CredentialsResource.class,
                TargetsResource.class,
                BreakerResource.class,
                HistoryResource.class,
                AdminExceptionMapper.class,
                com.gitinsight.gateway.admin.NotRunningMapper.class,
                LoginResource.class,
                ConsoleResource.class,
                AdminGuard.class);
    }

    /**
     * The proxy resource is a singleton: a per-request resource costs the container an instance,
     * CDI injection and HK2 bookkeeping on every call, the largest overhead measured on the hot path.
     * getSingletons() is deprecated in JAX-RS 3.1 in favour of CDI, but an @ApplicationScoped CDI
     * resource measured ~5-10% more CPU per request (a bean lookup on every call); Jersey and
     * RESTEasy both still support it.
     */
    @Override
    @SuppressWarnings("deprecation")
    public Set<Object> getSingletons() {
        CDI<Object> cdi = CDI.current();
        return Set.of(new ProxyResource(
                Unproxied.instance(cdi.select(ProxyEngine.class).get()),
                Unproxied.instance(cdi.select(CurrentRequest.class).get())));
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of(
                // Never buffer a response to compute its length: bodies stream through.
                "jersey.config.server.contentLength.buffer", 0,
                "jersey.config.server.wadl.disableWadl", true,
                "jersey.config.server.monitoring.statistics.enabled", false,
                "jersey.config.server.monitoring.enabled", false,
                "jersey.config.server.tracing.type", "OFF",
                // No resource declares a constraint; Jersey otherwise runs the validator on every call.
                "jersey.config.beanValidation.disable.server", true);
    }
}
