package com.gitinsight.gateway.it;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The built WAR for an Arquillian deployment, optionally with settings added to its MicroProfile Config. */
final class GatewayWar {

    private static final String SETTINGS = "WEB-INF/classes/META-INF/microprofile-config.properties";

    private GatewayWar() {}

    /** The WAR with {@code properties} (lines of {@code key=value}) after the shipped defaults. */
    static WebArchive withSettings(String properties) {
        WebArchive war = ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("gateway.war")));
        String defaults;
        try (InputStream in = war.get(SETTINGS).getAsset().openStream()) {
            defaults = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        war.delete(SETTINGS);
        war.add(new StringAsset(defaults + "\n" + properties + "\n"), SETTINGS);
        return war;
    }
}
