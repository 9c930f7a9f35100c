package com.gitinsight.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class GatewayMBeansTest {

    private static int registered(MBeanServer server) throws Exception {
        return server.queryNames(new ObjectName("io.gitinsight.gateway:*"), null)
                .size();
    }

    @Test
    void aRedeployLeavesExactlyOneSetAndAnUndeployNone() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        GatewayMBeans first = new GatewayMBeans();
        first.register(server);
        assertEquals(1, registered(server));
        // The next deployment starts before the first one stopped (or the first never did).
        GatewayMBeans second = new GatewayMBeans();
        second.register(server);
        assertEquals(1, registered(server), "replaced, not doubled");
        second.unregister(server);
        assertEquals(0, registered(server), "undeploy leaves nothing");
        second.register(server);
        assertEquals(1, registered(server), "deployable again");
    }
}
