package com.gitinsight.gateway.proxy;

import com.gitinsight.gateway.http.ClientTooSlow;
import com.gitinsight.gateway.runtime.RequestContext;
import com.gitinsight.gateway.runtime.Unproxied;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Cuts off clients that hold request threads by being slow (see {@link SlowClientPolicy}): every
 * blocking read of a request body and write of an answer is marked in its thread's own slot, and
 * one sweeper thread looks at the slots twice a second and closes the connections of the clients
 * the policy picks, which ends the blocked read or write. Marking costs the request thread two
 * writes to its own slot and one uncontended compare-and-set per read or write: no lock and
 * nothing shared between requests. HTTP/1.x only: an HTTP/2 connection carries other streams.
 */
@ApplicationScoped
public class ClientPace implements Unproxied<ClientPace> {

    private static final Logger LOG = Logger.getLogger(ClientPace.class.getName());

    /** nginx's client_body_timeout and send_timeout: one read or write blocked this long is cut. */
    @Inject
    @ConfigProperty(name = "gateway.client.timeout-ms", defaultValue = "60000")
    long timeoutMs;

    /** Threads slow clients may hold together (a quarter of gateway.request-threads' 200). */
    @Inject
    @ConfigProperty(name = "gateway.client.max-slow", defaultValue = "50")
    int maxSlow;

    /** Threads the slow clients of one address may hold. */
    @Inject
    @ConfigProperty(name = "gateway.client.max-slow-per-address", defaultValue = "8")
    int maxSlowPerAddress;

    static final long SLOW_AFTER_MS = 2000;
    static final long GRACE_MS = 10_000;
    /** A body slower than this after the grace is a trickle: 200 threads held cost 12.8 MB/s. */
    static final long MIN_BYTES_PER_SECOND = 64 << 10;

    private final ThreadLocal<Slot> slots = ThreadLocal.withInitial(this::newSlot);
    /** Every request thread's slot; a thread adds its own once. */
    private final Queue<Slot> all = new ConcurrentLinkedQueue<>();

    private SlowClientPolicy.Limits limits;
    /** Closes a client's connection (the container's, by reflection). */
    private Consumer<ServletRequest> closer = ClientConnection::abort;
    /** The sweeper's own: at most one report a minute (a client chooses how many are cut). */
    private long cutSinceReport;

    private long reported;
    private static final long REPORT_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private ScheduledExecutorService sweeper;

    @PostConstruct
    void start() {
        // A negative bound would cut every slow client (or fail every sweep): refused at start.
        atLeast("gateway.client.timeout-ms", timeoutMs, 1);
        atLeast("gateway.client.max-slow", maxSlow, 0);
        atLeast("gateway.client.max-slow-per-address", maxSlowPerAddress, 0);
        limits = new SlowClientPolicy.Limits(
                maxSlow,
                maxSlowPerAddress,
                TimeUnit.MILLISECONDS.toNanos(timeoutMs),
                TimeUnit.MILLISECONDS.toNanos(SLOW_AFTER_MS),
                TimeUnit.MILLISECONDS.toNanos(GRACE_MS),
                MIN_BYTES_PER_SECOND);
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gateway-client-pace");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, 500, 500, TimeUnit.MILLISECONDS);
        jersey = Logger.getLogger("org.glassfish.jersey.server.ServerRuntime$Responder");
        if (jersey.getFilter() == null) {
            jersey.setFilter(QUIET);
        }
    }

    /** A setting below {@code min} stops the start, naming it. */
    static void atLeast(String setting, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(setting + ": expected at least " + min + ", got " + value);
        }
    }

    /** One without a sweeper thread: {@link #sweep} is called by hand (tests). */
    static ClientPace of(SlowClientPolicy.Limits limits, Consumer<ServletRequest> closer) {
        ClientPace pace = new ClientPace();
        pace.limits = limits;
        pace.closer = closer;
        return pace;
    }

    @PreDestroy
    void stop() {
        if (jersey != null && jersey.getFilter() == QUIET) {
            jersey.setFilter(null);
        }
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    @Override
    public void passInstance(Consumer<? super ClientPace> receiver) {
        receiver.accept(this);
    }

    private Slot newSlot() {
        Slot s = new Slot();
        all.add(s);
        return s;
    }

    /**
     * This thread's slot, bound to {@code request} (the container's, to close its connection) and
     * its client's address until {@link Slot#end}.
     */
    Slot begin(ServletRequest request, String address) {
        Slot s = slots.get();
        s.begin(request.getProtocol().startsWith("HTTP/1.") ? request : null, address);
        return s;
    }

    private void sweepQuietly() {
        try {
            sweep(System.nanoTime());
        } catch (Throwable e) { // an Error too: one escaping would end the schedule for good
            LOG.log(Level.WARNING, "the slow-client sweep failed", e);
        }
    }

    /** One look at every slot; returns how many clients it cut. */
    int sweep(long now) {
        List<SlowClientPolicy.Blocked> blocked = new ArrayList<>();
        List<Slot> bySlot = new ArrayList<>();
        List<Long> states = new ArrayList<>();
        for (Slot s : all) {
            long state = s.state.get();
            if ((state & PHASE) != BLOCKED || s.request == null) {
                continue;
            }
            long since = s.blockedSince;
            long started = s.started;
            blocked.add(new SlowClientPolicy.Blocked(
                    bySlot.size(), s.address, s.reading, now - since, now - started, s.bytes));
            bySlot.add(s);
            states.add(state);
        }
        if (blocked.isEmpty()) {
            return 0;
        }
        Set<Integer> cut = SlowClientPolicy.toCut(blocked, limits);
        int done = 0;
        for (int id : cut) {
            if (bySlot.get(id).cut(states.get(id), closer)) {
                done++;
            }
        }
        if (done > 0) {
            cutSinceReport += done;
            if (now - reported >= REPORT_EVERY_NANOS || reported == 0) {
                LOG.log(
                        Level.WARNING,
                        "cut off {0} clients too slow to send their body or read their answer since the last report"
                                + " (gateway.client.max-slow {1}, per address {2}, timeout {3} ms)",
                        new Object[] {cutSinceReport, maxSlow, maxSlowPerAddress, timeoutMs});
                cutSinceReport = 0;
                reported = now;
            }
        }
        return done;
    }

    /**
     * A write of the answer failed on the client's side (it closed the connection): an everyday
     * event, which Jersey logs as SEVERE with its stack; {@link #QUIET} keeps it out of the log.
     */
    static final class ClientGone extends IOException {
        private static final long serialVersionUID = 1L;

        ClientGone(IOException cause) {
            super("the client's connection failed: " + cause.getMessage(), cause);
        }
    }

    /** Drops Jersey's report of an answer the client did not take (it left, or was cut off). */
    static final java.util.logging.Filter QUIET = record -> !clientSide(record.getThrown());

    static boolean clientSide(Throwable t) {
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t instanceof ClientGone || t instanceof ClientTooSlow) {
                return true;
            }
        }
        return false;
    }

    /** Held: java.util.logging keeps loggers weakly, and a new one would have no filter. */
    private Logger jersey;

    private static final long PHASE = 3;
    private static final long IDLE = 0;
    private static final long BLOCKED = 1;
    private static final long CUTTING = 2;
    private static final long CUT = 3;

    /**
     * One request thread's marks. Only its thread moves it from idle to blocked and back; the
     * sweeper only from blocked to cutting to cut, so a connection is closed only while its thread
     * is still inside the read or write it blocked in (its request cannot have ended meanwhile).
     */
    static final class Slot {
        /** (request number << 2) | phase. */
        private final AtomicLong state = new AtomicLong();

        private volatile ServletRequest request;
        private volatile String address;
        private volatile boolean reading;
        private volatile long blockedSince;
        private volatile long started;
        private volatile long bytes;

        void begin(ServletRequest request, String address) {
            long next = ((state.get() >>> 2) + 1) << 2;
            this.address = address;
            this.started = 0;
            this.bytes = 0;
            this.request = request;
            state.set(next | IDLE);
        }

        /**
         * The request is over: its connection may be another's from now on, so a cut under way
         * finishes first, and none can start after (a new request number).
         */
        void end() {
            request = null;
            while (true) {
                long s = state.get();
                if ((s & PHASE) == CUTTING) {
                    Thread.onSpinWait();
                } else if (state.compareAndSet(s, ((s >>> 2) + 1) << 2)) {
                    return;
                }
            }
        }

        /** Before a blocking read (of the body) or write (of the answer). */
        private long enter(boolean read) {
            long now = System.nanoTime();
            if (reading != read || started == 0) {
                reading = read;
                started = now;
                bytes = 0;
            }
            blockedSince = now;
            long s = (state.get() & ~PHASE) | BLOCKED;
            state.set(s);
            return s;
        }

        /** After it: whether the sweeper cut the client meanwhile (then waits until it has). */
        private boolean leave(long entered, int moved) {
            if (moved > 0) {
                bytes += moved;
            }
            if (state.compareAndSet(entered, entered & ~PHASE)) {
                return false;
            }
            while ((state.get() & PHASE) == CUTTING) {
                Thread.onSpinWait();
            }
            return true;
        }

        private boolean cut(long seen, Consumer<ServletRequest> closer) {
            if (!state.compareAndSet(seen, (seen & ~PHASE) | CUTTING)) {
                return false; // it moved on since the look
            }
            try {
                ServletRequest r = request;
                if (r != null) {
                    closer.accept(r);
                }
            } finally {
                // Only from CUTTING: nothing else moves it meanwhile, so this is the state it left.
                state.compareAndSet((seen & ~PHASE) | CUTTING, (seen & ~PHASE) | CUT);
            }
            return true;
        }

        /** A write to the client failed: it left, or was cut off. Marked, so the log need not say so. */
        private IOException failed(long entered, IOException e) {
            if (leave(entered, 0)) {
                return tooSlow(false);
            }
            return e instanceof ClientGone ? e : new ClientGone(e);
        }

        private ClientTooSlow tooSlow(boolean read) {
            return new ClientTooSlow(
                    read
                            ? "the client sent its body too slowly and was cut off"
                            : "the client read the answer too slowly and was cut off");
        }

        /**
         * The body stream, its reads marked; with {@code counted}, each byte read is counted into
         * that request's context too (a body without a length: Kong's log record counts it in
         * {@code request.size}, whoever reads it, a plugin or the proxy).
         */
        ServletInputStream input(ServletInputStream in, RequestContext counted) {
            return new Input(in, this, counted);
        }

        /** The answer's stream, its writes marked. */
        ServletOutputStream output(ServletOutputStream out) {
            return new Output(out, this);
        }
    }

    private static final class Input extends ServletInputStream {
        private final ServletInputStream in;
        private final Slot slot;
        /** Null unless the body has no length. */
        private final RequestContext counted;

        Input(ServletInputStream in, Slot slot, RequestContext counted) {
            this.in = in;
            this.slot = slot;
            this.counted = counted;
        }

        @Override
        public int read() throws IOException {
            long entered = slot.enter(true);
            int b;
            try {
                b = in.read();
            } catch (IOException e) {
                throw failed(entered, e);
            } catch (RuntimeException e) {
                throw cutOr(entered, e);
            } catch (Error e) {
                slot.leave(entered, 0);
                throw e;
            }
            if (slot.leave(entered, b < 0 ? 0 : 1)) {
                throw slot.tooSlow(true);
            }
            if (counted != null && b >= 0) {
                counted.chunkedBodyRead(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long entered = slot.enter(true);
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw failed(entered, e);
            } catch (RuntimeException e) {
                throw cutOr(entered, e);
            } catch (Error e) {
                slot.leave(entered, 0);
                throw e;
            }
            if (slot.leave(entered, n)) {
                throw slot.tooSlow(true);
            }
            if (counted != null && n > 0) {
                counted.chunkedBodyRead(n);
            }
            return n;
        }

        /**
         * The container's read woken by the close fails as it will (Grizzly: a cancelled selection
         * key, unchecked): the client's being cut off, when that is what happened.
         */
        private ClientTooSlow cutOr(long entered, RuntimeException e) {
            if (slot.leave(entered, 0)) {
                return slot.tooSlow(true);
            }
            throw e;
        }

        private IOException failed(long entered, IOException e) {
            long blocked = System.nanoTime() - slot.blockedSince;
            if (slot.leave(entered, 0)) {
                return slot.tooSlow(true);
            }
            // The container's own read timeout (Grizzly's 30 s): nginx's client_body_timeout, a 408.
            return blocked >= TimeUnit.SECONDS.toNanos(20)
                    ? new ClientTooSlow("the client sent nothing for " + TimeUnit.NANOSECONDS.toSeconds(blocked) + " s")
                    : e;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static final class Output extends ServletOutputStream {
        private final ServletOutputStream out;
        private final Slot slot;

        Output(ServletOutputStream out, Slot slot) {
            this.out = out;
            this.slot = slot;
        }

        private static final int BYTE = 0;
        private static final int BYTES = 1;
        private static final int FLUSH = 2;
        private static final int CLOSE = 3;

        @Override
        public void write(int b) throws IOException {
            marked(BYTE, null, b, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            marked(BYTES, b, off, len);
        }

        @Override
        public void flush() throws IOException {
            marked(FLUSH, null, 0, 0);
        }

        @Override
        public void close() throws IOException {
            marked(CLOSE, null, 0, 0);
        }

        /** One operation on the container's stream, marked as blocking on the client (no lambda per write). */
        private void marked(int op, byte[] b, int offOrByte, int len) throws IOException {
            long entered = slot.enter(false);
            try {
                switch (op) {
                    case BYTE -> out.write(offOrByte);
                    case BYTES -> out.write(b, offOrByte, len);
                    case FLUSH -> out.flush();
                    default -> out.close();
                }
            } catch (IOException e) {
                throw slot.failed(entered, e);
            } catch (RuntimeException e) {
                if (slot.leave(entered, 0)) {
                    throw slot.tooSlow(false);
                }
                throw e;
            } catch (Error e) {
                slot.leave(entered, 0);
                throw e;
            }
            if (slot.leave(entered, op == BYTE || op == BYTES ? len : 0)) {
                throw slot.tooSlow(false);
            }
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }
    }
}
