package com.gitinsight.gateway.observability;

import com.gitinsight.gateway.config.PluginConfig;
import com.gitinsight.gateway.config.PluginFields;
import java.util.Set;

/** The fields {@code request-id} and {@code correlation-id} share; each plugin has its own defaults. */
public record IdPluginConfig(String headerName, IdGenerator.Kind generator, boolean echoDownstream)
        implements PluginConfig {

    static IdPluginConfig parse(PluginFields f, String header, String generator, boolean echo) {
        f.allowOnly(Set.of("header_name", "generator", "echo_downstream"), Set.of());
        // Kong's schema: both required (with defaults), so a written null is "required field missing".
        f.required("generator", "echo_downstream");
        return new IdPluginConfig(
                f.string("header_name", header), IdGenerator.kind(f, generator), f.bool("echo_downstream", echo));
    }
}
