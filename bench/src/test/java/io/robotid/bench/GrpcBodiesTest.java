package io.robotid.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.robotid.proto.geofence.v1.CheckPermissionRequest;
import io.robotid.proto.geofence.v1.StreamChecksRequest;

/** The h2load request bodies: gRPC length-prefixed frames of the generated messages (the benchmark itself is not a test). */
class GrpcBodiesTest {

    @Test
    void framesAreFlagZeroBigEndianLengthAndTheMessage() {
        byte[] framed = GrpcBodies.frame(List.of(new byte[] { 7, 8, 9 }, new byte[0]));
        assertThat(framed).containsExactly(0, 0, 0, 0, 3, 7, 8, 9, 0, 0, 0, 0, 0);
        assertThat(GrpcBodies.unframe(framed)).satisfiesExactly(m -> assertThat(m).containsExactly(7, 8, 9),
                m -> assertThat(m).isEmpty());
    }

    @Test
    void aLongMessageHasItsLengthInFourBytes() {
        byte[] framed = GrpcBodies.frame(List.of(new byte[70_000]));
        assertThat(framed).startsWith(0, 0, 1, 0x11, 0x70);
        assertThat(framed).hasSize(5 + 70_000);
    }

    @Test
    void compressedOrTruncatedFramesAreRefused() {
        assertThatThrownBy(() -> GrpcBodies.unframe(new byte[] { 1, 0, 0, 0, 0 })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GrpcBodies.unframe(new byte[] { 0, 0, 0, 0, 9, 1 })).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBodiesParseBackIntoTheirMessages() throws Exception {
        Instant at = Instant.parse("2026-12-07T10:00:00Z");
        CheckPermissionRequest allow = GrpcBodies.check("CN00010000B126010000000000018", 52.5, 13.5, "delivery", at);
        CheckPermissionRequest deny = GrpcBodies.check("CN00010000B126010000000000018", 53.0, 14.0, "delivery", at);
        Map<String, GrpcBodies.Body> bodies = GrpcBodies.bodies(allow, deny, 3);
        assertThat(bodies).containsOnlyKeys("health", "echo", "check-allow", "check-deny", "stream");
        assertThat(bodies.get("health").framed()).containsExactly(0, 0, 0, 0, 0); // HealthCheckRequest{service: ""}
        assertThat(CheckPermissionRequest.parseFrom(GrpcBodies.unframe(bodies.get("check-deny").framed()).get(0))).isEqualTo(deny);
        List<byte[]> stream = GrpcBodies.unframe(bodies.get("stream").framed());
        assertThat(stream).hasSize(3);
        StreamChecksRequest third = StreamChecksRequest.parseFrom(stream.get(2));
        assertThat(third.getCorrelationId()).isEqualTo("3");
        assertThat(third.getCheck()).isEqualTo(allow);
        assertThat(bodies.get("stream").path()).isEqualTo("/robotid.geofence.v1.GeofenceService/StreamChecks");
    }

    @Test
    void theCentreOfASquareZoneIsInsideIt() {
        GeofenceZones.Spec square = GeofenceZones.generate(50).stream().filter(s -> s.shape().equals("square")).findFirst()
                .orElseThrow();
        double[] centre = HotPathsBenchmark.centre(square);
        var polygon = ((io.robotid.geofence.engine.ZoneGeometry.Outdoor) square.engineZone("z").geometry()).polygonal();
        var point = polygon.getFactory().createPoint(new org.locationtech.jts.geom.Coordinate(centre[1], centre[0]));
        assertThat(polygon.covers(point)).isTrue();
    }
}
