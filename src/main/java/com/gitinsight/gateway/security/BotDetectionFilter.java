package com.gitinsight.gateway.security;

import com.gitinsight.gateway.http.ErrorResponses;
import com.gitinsight.gateway.runtime.PluginFilter;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;

/**
 * Plugin {@code bot-detection}: a request whose {@code User-Agent} a deny rule or Kong's bot list
 * matches (and no allow rule) gets Kong's 403 {@code Forbidden}; two {@code User-Agent} headers get
 * 400; no {@code User-Agent} passes, as in Kong.
 */
public class BotDetectionFilter extends PluginFilter<BotDetectionSchema.Config> {

    private static final long serialVersionUID = 1L;

    public BotDetectionFilter() {
        super(BotDetectionSchema.NAME, BotDetectionSchema.Config.class);
    }

    @Override
    protected void apply(
            BotDetectionSchema.Config config,
            RequestContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        Enumeration<String> agents = request.getHeaders("User-Agent");
        if (agents != null && agents.hasMoreElements()) {
            String agent = agents.nextElement();
            if (agents.hasMoreElements()) {
                ErrorResponses.write(request, response, 400, "Only one User-Agent header allowed");
                return;
            }
            if (config.judge(agent).refused()) {
                ErrorResponses.write(request, response, 403, "Forbidden");
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
