package com.gitinsight.gateway.upstream;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A real DNS server on a free loopback UDP port, answering from records the test sets (dnsjava
 * encodes and decodes the messages). Unknown names get NXDOMAIN.
 */
final class TestDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final Thread thread;

    TestDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "test-dns");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    int queries() {
        return queries.get();
    }

    /** Replaces every record of {@code name} and {@code type} (dnsjava's Type constants). */
    void set(String name, int type, List<Record> rrs) {
        records.put(key(name, type), List.copyOf(rrs));
    }

    private static String key(String name, int type) {
        String n = name.toLowerCase();
        return (n.endsWith(".") ? n : n + ".") + "/" + type;
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                queries.incrementAndGet();
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Record question = query.getQuestion();
                Message reply = new Message(query.getHeader().getID());
                reply.getHeader().setFlag(Flags.QR);
                reply.getHeader().setFlag(Flags.AA);
                reply.addRecord(question, Section.QUESTION);
                String name = question.getName().toString().toLowerCase();
                List<Record> answer = records.get(key(name, question.getType()));
                if (answer != null) {
                    answer.forEach(r -> reply.addRecord(r, Section.ANSWER));
                } else if (records.keySet().stream().noneMatch(k -> k.startsWith(name + "/"))) {
                    reply.getHeader().setRcode(Rcode.NXDOMAIN);
                }
                byte[] out = reply.toWire();
                socket.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
