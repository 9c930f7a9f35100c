/**
 * Logs out of the gateway, as Kong's log plugins ship them: {@code file-log} and {@code http-log},
 * each request's record in Kong's basic serializer format ({@link
 * com.gitinsight.gateway.logging.KongLogRecord}), written and sent off the request thread through
 * Kong 3's bounded queue ({@link com.gitinsight.gateway.logging.BatchQueue}).
 */
package com.gitinsight.gateway.logging;
