package io.robotid.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Timestamp;

import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import io.robotid.proto.geofence.v1.CheckPermissionRequest;
import io.robotid.proto.geofence.v1.EchoRequest;
import io.robotid.proto.geofence.v1.Position;
import io.robotid.proto.geofence.v1.StreamChecksRequest;

/**
 * Request bodies for h2load ({@code h2load -d FILE}): gRPC over HTTP/2 carries each message as a 1-byte
 * compressed flag (0), a 4-byte big-endian length and the serialized protobuf message, built here from the
 * generated classes of {@code proto/}. A unary call's body is one such frame; a StreamChecks body carries
 * K frames, one stream of K checks.
 *
 * <p>On its own: {@code java -jar bench/target/quarkus-app/quarkus-run.jar grpc-bodies --out DIR --robot ID
 * --allow-lat LAT --allow-lon LON --deny-lat LAT --deny-lon LON [--task delivery] [--at 2026-12-07T10:00:00Z]
 * [--stream-messages 1000]} writes the files {@link #write} writes.
 */
public final class GrpcBodies {
    public static final String HEALTH = "/grpc.health.v1.Health/Check";
    public static final String ECHO = "/robotid.geofence.v1.GeofenceService/Echo";
    public static final String CHECK = "/robotid.geofence.v1.GeofenceService/CheckPermission";
    public static final String STREAM = "/robotid.geofence.v1.GeofenceService/StreamChecks";

    private GrpcBodies() {
    }

    /** One body: what h2load sends, the method path it goes to, the messages it frames (to send them again). */
    public record Body(String name, String path, boolean stream, List<byte[]> messages) {
        public byte[] framed() {
            return frame(messages);
        }

        public Path file(Path dir) {
            return dir.resolve(name + ".grpc");
        }
    }

    /** The gRPC length-prefixed frames of the messages, uncompressed. */
    public static byte[] frame(List<byte[]> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] m : messages) {
            out.write(0);
            out.writeBytes(ByteBuffer.allocate(4).putInt(m.length).array());
            out.writeBytes(m);
        }
        return out.toByteArray();
    }

    /** The messages of a framed body (the inverse of {@link #frame}); refuses compressed or truncated frames. */
    public static List<byte[]> unframe(byte[] body) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(body);
        while (b.hasRemaining()) {
            if (b.remaining() < 5 || b.get() != 0) {
                throw new IllegalArgumentException("not an uncompressed gRPC frame at byte " + (b.position() - 1));
            }
            int length = b.getInt();
            if (length < 0 || length > b.remaining()) {
                throw new IllegalArgumentException("a gRPC frame of " + length + " bytes with " + b.remaining() + " left");
            }
            byte[] m = new byte[length];
            b.get(m);
            out.add(m);
        }
        return out;
    }

    static CheckPermissionRequest check(String robotId, double lat, double lon, String task, Instant at) {
        return CheckPermissionRequest.newBuilder().setRobotId(robotId)
                .setPosition(Position.newBuilder().setLatitude(lat).setLongitude(lon)).setTaskCategory(task)
                .setAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano())).build();
    }

    /**
     * The bodies of the hot-path benchmark: {@code health} (HealthCheckRequest for the whole server, no token),
     * {@code echo} (its payload the bytes of the ALLOW check, as large as a check), {@code check-allow},
     * {@code check-deny}, and {@code stream} ({@code streamMessages} StreamChecksRequest messages of the ALLOW
     * check, correlation ids 1..K).
     */
    public static Map<String, Body> bodies(CheckPermissionRequest allow, CheckPermissionRequest deny, int streamMessages) {
        Map<String, Body> out = new LinkedHashMap<>();
        out.put("health", new Body("health", HEALTH, false, List.of(HealthCheckRequest.newBuilder().setService("").build()
                .toByteArray())));
        out.put("echo", new Body("echo", ECHO, false, List.of(EchoRequest.newBuilder()
                .setPayload(ByteString.copyFrom(allow.toByteArray())).build().toByteArray())));
        out.put("check-allow", new Body("check-allow", CHECK, false, List.of(allow.toByteArray())));
        out.put("check-deny", new Body("check-deny", CHECK, false, List.of(deny.toByteArray())));
        List<byte[]> stream = new ArrayList<>(streamMessages);
        for (int i = 1; i <= streamMessages; i++) {
            stream.add(StreamChecksRequest.newBuilder().setCorrelationId(Integer.toString(i)).setCheck(allow).build().toByteArray());
        }
        out.put("stream", new Body("stream", STREAM, true, stream));
        return out;
    }

    /** Writes each body to {@code dir/<name>.grpc}. */
    public static void write(Path dir, Map<String, Body> bodies) throws IOException {
        Files.createDirectories(dir);
        for (Body b : bodies.values()) {
            Files.write(b.file(dir), b.framed());
        }
    }

    static int main(Map<String, String> options) throws IOException {
        String robot = options.get("robot");
        if (robot == null || !options.containsKey("allow-lat") || !options.containsKey("deny-lat")) {
            System.err.println("usage: grpc-bodies --out DIR --robot ID --allow-lat LAT --allow-lon LON --deny-lat LAT --deny-lon LON"
                    + " [--task delivery] [--at INSTANT] [--stream-messages 1000]");
            return 2;
        }
        String task = options.getOrDefault("task", GeofenceZones.TASK);
        Instant at = Instant.parse(options.getOrDefault("at", Instant.now().toString()));
        Map<String, Body> bodies = bodies(
                check(robot, Double.parseDouble(options.get("allow-lat")), Double.parseDouble(options.get("allow-lon")), task, at),
                check(robot, Double.parseDouble(options.get("deny-lat")), Double.parseDouble(options.get("deny-lon")), task, at),
                Integer.parseInt(options.getOrDefault("stream-messages", "1000")));
        Path dir = Path.of(options.getOrDefault("out", "bench/target/hotpaths/h2load"));
        write(dir, bodies);
        for (Body b : bodies.values()) {
            System.out.printf("%-40s %-12s %,9d bytes, %,d message(s), %s%n", b.file(dir), b.name(), Files.size(b.file(dir)),
                    b.messages().size(), b.path());
        }
        return 0;
    }
}
