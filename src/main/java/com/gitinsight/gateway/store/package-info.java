/**
 * A fleet's configuration in PostgreSQL ({@code gateway.config.store}): the declarative document and
 * its history in tables a versioned migration makes, changes as transactions with {@code If-Match}
 * on the row, {@code LISTEN}/{@code NOTIFY} with a periodic version check to tell every node. Plain
 * JDBC (no Jakarta EE), as {@code routing} and {@code upstream} are plain Java.
 */
package com.gitinsight.gateway.store;
