/**
 * Code that runs before the server: the Java agent {@code scripts/run.sh} starts Payara Micro with
 * (packaged as {@code target/gateway-boot.jar}, not part of the WAR). Depends on the JDK only.
 */
package com.gitinsight.gateway.boot;
