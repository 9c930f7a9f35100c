/**
 * The cache-eviction plugin: event rules apart from the JMS subscription (RabbitMQ or Artemis) that
 * delivers them, dead-lettering of bad messages. Nulls: parameters and results are never null
 * unless their documentation says "or null"; collections are empty, not null.
 */
package com.gitinsight.gateway.messaging;
