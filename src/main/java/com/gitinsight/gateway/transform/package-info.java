/**
 * Kong's request-transformer and response-transformer plugins: header, query string, body, method
 * and path changes on the way to the backend, header and JSON body changes on the way back. Config
 * values of request-transformer may hold plain variable references ({@link Template}); no Lua is
 * ever run. Bodies are changed only within {@code gateway.transformer.max-body-bytes} (requests) and {@code gateway.response-transformer.max-body-bytes} (responses). Nulls:
 * parameters and results are never null unless their documentation says "or null".
 */
package com.gitinsight.gateway.transform;
