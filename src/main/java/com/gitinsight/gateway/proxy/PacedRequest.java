package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;

/** A request whose body's reads are marked for {@link ClientPace}, whoever reads it (a plugin or the proxy). */
final class PacedRequest extends HttpServletRequestWrapper {

    private final ClientPace.Slot paced;
    private ServletInputStream in;

    PacedRequest(HttpServletRequest request, ClientPace.Slot paced) {
        super(request);
        this.paced = paced;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (in == null) {
            // A body without a length is counted as read (the log record's request.size; attacker
            // review 302: counted in the proxy alone, a body a plugin read first was missed).
            in = paced.input(super.getInputStream(), getContentLengthLong() < 0 ? RequestContext.of(this) : null);
        }
        return in;
    }
}
