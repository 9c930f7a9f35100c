package com.gitinsight.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.TestSnapshots;
import com.gitinsight.gateway.testing.FakeHttp;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ChunkedBodyCountTest {

    @Test
    void everyByteReadIsCountedOnceHoweverItIsRead() throws Exception {
        RequestContext context = FakeHttp.Request.of("POST", "/x", "Transfer-Encoding", "chunked")
                .on(TestSnapshots.of("_format_version: \"3.0\"\n"), null)
                .context();
        assertEquals(-1, context.chunkedBodyBytes(), "nothing read: none counted");
        try (InputStream body = new ChunkedBodyCount(new ByteArrayInputStream(new byte[10_000]), context)) {
            body.read();
            body.read(new byte[999]);
            body.skip(1_000);
            body.readAllBytes();
            assertEquals(-1, body.read(), "the end is no byte");
        }
        assertEquals(10_000, context.chunkedBodyBytes());
    }
}
