package com.gitinsight.gateway.cache;

/**
 * What the cache knows of the eviction events (set by the messaging side): which paths events can
 * evict, and whether the feed can be trusted right now. While it cannot (the listener is
 * disconnected and may be missing events), an entry it covers is served for at most
 * {@link #distrustedLifeMillis} after it was stored.
 */
public interface EvictionFeed {

    EvictionFeed NONE = new EvictionFeed() {
        @Override
        public boolean covers(String path) {
            return false;
        }

        @Override
        public boolean trusted() {
            return true;
        }

        @Override
        public long distrustedLifeMillis() {
            return Long.MAX_VALUE;
        }
    };

    boolean covers(String path);

    boolean trusted();

    long distrustedLifeMillis();
}
