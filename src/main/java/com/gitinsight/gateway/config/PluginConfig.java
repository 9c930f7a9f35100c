package com.gitinsight.gateway.config;

/** Marker for a plugin's parsed configuration: an immutable record, validated once at load. */
public interface PluginConfig {}
