package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.http.StatusReasons;
import com.gitinsight.gateway.runtime.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client request and its response, bound to the handling thread by {@link CurrentRequestFilter}.
 * The response is wrapped so that the proxy can stop JAX-RS from inventing a Content-Type the
 * upstream did not send (Jersey labels any streamed entity {@code application/octet-stream}).
 */
public final class Exchange {

    private final HttpServletRequest request;
    private final Response response;
    private OnEnd onEnd;
    private Runnable onUnwritten;

    Exchange(HttpServletRequest request, HttpServletResponse response, ClientPace.Slot paced) {
        this.request = request;
        this.response = new Response(request, response, paced);
    }

    public HttpServletRequest request() {
        return request;
    }

    HttpServletResponse response() {
        return response;
    }

    /**
     * {@code release} (free the target and the service's slot) runs once: when the body has been
     * sent, or at the latest when the request leaves the filter chain, so that a response whose
     * body JAX-RS never wrote (an error in a later filter, say) cannot leak a slot.
     */
    Runnable releaseOnEnd(Runnable release) {
        OnEnd once = new OnEnd(release);
        this.onEnd = once;
        return once;
    }

    /**
     * {@code abandon} runs when the request is over if the release above has not run by then: the
     * response's body was never written (it lets go of the upstream exchange).
     */
    void onUnwritten(Runnable abandon) {
        this.onUnwritten = abandon;
    }

    /** Called by {@link CurrentRequestFilter} when the request is over. */
    void end() {
        OnEnd pending = onEnd;
        if (pending != null && !pending.ran.get() && onUnwritten != null) {
            onUnwritten.run();
        }
        if (pending != null) {
            pending.run();
        }
    }

    private static final class OnEnd implements Runnable {
        private final AtomicBoolean ran = new AtomicBoolean();
        private final Runnable action;

        OnEnd(Runnable action) {
            this.action = action;
        }

        @Override
        public void run() {
            if (ran.compareAndSet(false, true)) {
                action.run();
            }
        }
    }

    /**
     * The backend failed after part of the body went out: nothing may keep the response as
     * complete (the cache), and the client's connection is cut so the client sees it incomplete.
     */
    void cutResponse() {
        RequestContext.of(request).markResponseTruncated();
        ClientConnection.abort(request);
    }

    /** The upstream response had no Content-Type: the client's must not get one either. */
    void suppressContentType() {
        response.suppressContentType = true;
    }

    /**
     * A header the gateway sets on every response (Kong's {@code X-Kong-Request-Id}, set after
     * every plugin in Kong's header filter): already on the response; a backend's, a cached copy's
     * or a plugin's value of it is ignored, and a reset (a stale cached answer replacing a failed
     * one) keeps it.
     */
    void keepHeader(String name, String value) {
        response.keptName = name;
        response.keptValue = value;
    }

    /**
     * The Date set at the head of the chain ({@code date}, from {@code dates}): set again after a
     * reset (a plugin's refusal), and made anew when the status is set in a later second unless
     * the answer set its own (a backend's), as nginx dates the head when it writes it.
     */
    void dated(com.gitinsight.gateway.http.AnswerDates dates, String date) {
        response.dates = dates;
        response.date = date;
    }

    /**
     * Kong's debug headers ({@code Kong-Route-Id}...): set now, on the answer whatever answers
     * (a plugin's refusal resets the response), as Kong sets them when the route is matched.
     */
    void debugHeader(String name, String value) {
        if (response.debug == null) {
            response.debug = new java.util.ArrayList<>(8);
        }
        response.debug.add(name);
        response.debug.add(value);
        response.setHeader(name, value);
    }

    private static final class Response extends HttpServletResponseWrapper {
        private boolean suppressContentType;
        private String keptName;
        private String keptValue;
        private String date;
        private com.gitinsight.gateway.http.AnswerDates dates;
        /** Whether the answer set a Date of its own (a backend's) through this wrapper. */
        private boolean ownDate;

        private java.util.List<String> debug;
        private final ClientPace.Slot paced;
        private final HttpServletRequest request;
        private jakarta.servlet.ServletOutputStream out;

        Response(HttpServletRequest request, HttpServletResponse response, ClientPace.Slot paced) {
            super(response);
            this.request = request;
            this.paced = paced;
        }

        /**
         * A status the container has no reason phrase for goes out with the backend's, when it
         * answered with it, else nginx's (Payara's listener wrote {@code 429 CUSTOM}).
         */
        @Override
        public void setStatus(int status) {
            super.setStatus(status);
            if (dates != null && !ownDate) {
                String now = dates.now();
                if (!now.equals(date)) {
                    // A slow answer (a 504 after the read timeout) is dated when it is made.
                    date = now;
                    super.setHeader("Date", now);
                }
            }
            if (!StatusReasons.containerNames(status) && !isCommitted()) {
                RequestContext context = RequestContext.of(request);
                String upstream =
                        context != null && context.upstreamStatus() == status ? context.upstreamReason() : null;
                StatusReasons.write(request, status, upstream != null ? upstream : StatusReasons.nginx(status));
            }
        }

        /** Its writes marked, so that a client too slow to read the answer can be cut off. */
        @Override
        public jakarta.servlet.ServletOutputStream getOutputStream() throws java.io.IOException {
            if (out == null) {
                jakarta.servlet.ServletOutputStream container = super.getOutputStream();
                out = paced == null ? container : paced.output(container);
            }
            return out;
        }

        private boolean kept(String name) {
            return keptName != null && keptName.equalsIgnoreCase(name);
        }

        @Override
        public void reset() {
            super.reset();
            ownDate = false;
            if (date != null) {
                super.setHeader("Date", date);
            }
            if (keptName != null) {
                super.setHeader(keptName, keptValue);
            }
            if (debug != null) {
                for (int i = 0; i < debug.size(); i += 2) {
                    super.setHeader(debug.get(i), debug.get(i + 1));
                }
            }
        }

        @Override
        public void setContentType(String type) {
            if (!heldBack("Content-Type")) {
                super.setContentType(type);
            }
        }

        @Override
        public void setHeader(String name, String value) {
            if (!heldBack(name) && !kept(name)) {
                ownDate |= isDate(name);
                super.setHeader(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (!heldBack(name) && !kept(name)) {
                ownDate |= isDate(name);
                super.addHeader(name, value);
            }
        }

        /** JAX-RS's type for an untyped backend answer; a plugin's own (response-transformer) goes on. */
        private boolean heldBack(String name) {
            if (!suppressContentType || !"Content-Type".equalsIgnoreCase(name)) {
                return false;
            }
            RequestContext context = RequestContext.of(request);
            return context == null || !context.answerTypedByPlugin();
        }

        private static boolean isDate(String name) {
            return name != null && name.length() == 4 && name.equalsIgnoreCase("Date");
        }
    }
}
