package io.robotid.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import com.google.rpc.BadRequest;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.robotid.proto.geofence.v1.CreateZoneRequest;
import io.robotid.proto.geofence.v1.GeofenceServiceGrpc;
import io.robotid.proto.geofence.v1.ZoneDefinition;
import io.robotid.proto.geofence.v1.ZoneKind;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.system.support.Registry;
import io.robotid.testkit.GrpcAssertions;

/**
 * The limits of the "Limits" tables (docs/limits.md, docs/filing.md), on the running services: the largest gRPC message each
 * server takes (refused as RESOURCE_EXHAUSTED before any code runs, and the server goes on), the
 * largest page of every list RPC (found in the service descriptors, so a new list is covered too),
 * forged page tokens, the largest issuance batch and the largest zone.
 */
class LimitsSystemIT {
    /** quarkus.grpc.server.max-inbound-message-size of each service. */
    static final Map<String, Integer> MESSAGE_LIMITS = new LinkedHashMap<>();
    static {
        MESSAGE_LIMITS.put("filing-service", 1 << 20);
        MESSAGE_LIMITS.put("identity-service", 1 << 20);
        MESSAGE_LIMITS.put("lifecycle-service", 1 << 20);
        MESSAGE_LIMITS.put("certification-service", 1 << 20);
        MESSAGE_LIMITS.put("geofence-service", 4 << 20);
    }
    /** Roles tried in turn for a list call, each with the claim its token needs (role, claim, value). */
    static final String[][] CALLERS = { { "REGULATOR", null, null }, { "AUDITOR", null, null },
            { "MANUFACTURER", "manufacturer_code", "0001" }, { "ZONE_AUTHORITY", "org_id", "limits-org" },
            { "CERTIFICATION_BODY", "certification_body_id", "BODY-LIMITS" }, { "OPERATOR", "org_id", "limits-org" },
            { "ROBOT", "robot_id", "DE00010000012601000000000001G" } };
    static Registry registry;

    @BeforeAll
    static void start() {
        registry = new Registry().start(MESSAGE_LIMITS.keySet().toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void everyServiceRefusesAMessageOverItsLimitAndGoesOn() {
        MESSAGE_LIMITS.forEach((service, limit) -> {
            MethodDescriptor<Object, Object> method = firstUnary(service);
            Message small = padded(method, 1024);
            Message big = padded(method, limit + 64 * 1024);
            String token = registry.token("REGULATOR");

            StatusRuntimeException refused = call(service, method, big, token);
            assertThat(refused).as(service + " with " + big.getSerializedSize() + " bytes").isNotNull();
            assertThat(refused.getStatus().getCode()).as(service + " over its limit").isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            // the same request, small, reaches the service: the size was the only reason
            StatusRuntimeException answered = call(service, method, small, token);
            assertThat(answered == null ? Status.Code.OK : answered.getStatus().getCode())
                    .as(service + " under its limit").isNotEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            System.out.printf("%s: %d bytes refused (%s: %s); %d bytes answered %s%n", service, big.getSerializedSize(),
                    refused.getStatus().getCode(), refused.getStatus().getDescription(), small.getSerializedSize(),
                    answered == null ? "OK" : answered.getStatus().getCode());
        });
    }

    @Test
    void everyListRefusesAPageOverTheMaximumAndForgedTokens() {
        int lists = 0;
        for (var entry : AuthorizationMatrixSystemIT.DESCRIPTORS.entrySet()) {
            String service = entry.getKey();
            for (ServiceDescriptor descriptor : entry.getValue()) {
                for (MethodDescriptor<?, ?> raw : descriptor.getMethods()) {
                    Descriptors.FieldDescriptor pageSize = inputType(raw).findFieldByName("page_size");
                    if (pageSize == null || raw.getType() != MethodDescriptor.MethodType.UNARY) {
                        continue;
                    }
                    lists++;
                    @SuppressWarnings("unchecked")
                    MethodDescriptor<Object, Object> method = (MethodDescriptor<Object, Object>) raw;
                    String name = method.getFullMethodName();
                    assertThat(violations(service, method, with(method, "page_size", 501))).as(name + " page_size 501")
                            .contains("page_size");
                    assertThat(violations(service, method, with(method, "page_size", -1))).as(name + " page_size -1")
                            .contains("page_size");
                    assertThat(violations(service, method, with(method, "page_size", 500))).as(name + " page_size 500")
                            .doesNotContain("page_size");
                    // tokens are opaque, but not secret: forged ones must be refused by name, never reach SQL
                    String nul = Base64.getUrlEncoder().withoutPadding()
                            .encodeToString("0:\u0000x".getBytes(StandardCharsets.UTF_8));
                    for (String token : List.of("not a token!", nul, "A".repeat(2000))) {
                        assertThat(violations(service, method, with(method, "page_token", token)))
                                .as(name + " page_token " + token.substring(0, Math.min(20, token.length())))
                                .contains("page_token");
                    }
                }
            }
        }
        assertThat(lists).as("list RPCs found").isGreaterThanOrEqualTo(10);
    }

    @Test
    void anIssuanceOverTheBatchMaximumIsRefusedByName() {
        IssueIdentitiesRequest tooMany = IssueIdentitiesRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setModelCode("000001").setSiteCode("01").setProductionYear(26).setCount(100_001).build();
        GrpcAssertions.invalid(() -> Registry.as(IdentityServiceGrpc.newBlockingStub(registry.channel("identity-service")),
                registry.token("MANUFACTURER", "manufacturer_code", "0001")).withDeadlineAfter(30, TimeUnit.SECONDS)
                .issueIdentities(tooMany).forEachRemaining(chunk -> { }), "count");
    }

    @Test
    void aZoneOfTheMostPositionsIsTakenAndOneMoreIsRefusedByName() {
        var geofence = Registry.as(GeofenceServiceGrpc.newBlockingStub(registry.channel("geofence-service")),
                registry.token("ZONE_AUTHORITY", "org_id", "limits-authority")).withDeadlineAfter(30, TimeUnit.SECONDS);
        String largest = ring(10_000);
        assertThat(largest.length()).as("GeoJSON bytes").isGreaterThan(256 * 1024);
        var created = geofence.createZone(zone(largest));
        assertThat(created.getZone().getZoneId()).isNotEmpty();

        String refused = GrpcAssertions.invalid(() -> geofence.createZone(zone(ring(10_001))), "zone.geojson.coordinates");
        System.out.printf("a zone of 10,000 positions (%d bytes of GeoJSON) taken; 10,001 refused: %s%n",
                largest.length(), refused);
    }

    static CreateZoneRequest zone(String geojson) {
        return CreateZoneRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setZone(ZoneDefinition.newBuilder().setName("limits").setKind(ZoneKind.ZONE_KIND_PROHIBITED)
                        .setGeojson(geojson))
                .build();
    }

    /** A polygon of {@code positions} positions (the closing one included) on a circle around Berlin. */
    static String ring(int positions) {
        StringBuilder json = new StringBuilder("{\"type\":\"Polygon\",\"coordinates\":[[");
        int distinct = positions - 1;
        for (int i = 0; i <= distinct; i++) {
            double angle = 2 * Math.PI * (i % distinct) / distinct;
            json.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "[%.9f,%.9f]",
                    13.4 + 0.01 * Math.cos(angle), 52.5 + 0.01 * Math.sin(angle)));
        }
        return json.append("]]}").toString();
    }

    // ------------------------------------------------------------------------------------ helpers

    @SuppressWarnings("unchecked")
    static MethodDescriptor<Object, Object> firstUnary(String service) {
        return (MethodDescriptor<Object, Object>) AuthorizationMatrixSystemIT.DESCRIPTORS.get(service).get(0).getMethods()
                .stream().filter(m -> m.getType() == MethodDescriptor.MethodType.UNARY)
                .sorted(java.util.Comparator.comparing(MethodDescriptor::getFullMethodName)).findFirst().orElseThrow();
    }

    static Descriptors.Descriptor inputType(MethodDescriptor<?, ?> method) {
        return ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor().getInputType();
    }

    static Message prototype(MethodDescriptor<Object, Object> method) {
        return (Message) ((MethodDescriptor.PrototypeMarshaller<Object>) method.getRequestMarshaller()).getMessagePrototype();
    }

    /** The method's empty request with an unknown field of {@code bytes} bytes: the size, and nothing else. */
    static Message padded(MethodDescriptor<Object, Object> method, int bytes) {
        return prototype(method).toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(9999, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(new byte[bytes])).build())
                .build()).build();
    }

    static Message with(MethodDescriptor<Object, Object> method, String field, Object value) {
        Message.Builder b = prototype(method).toBuilder();
        return b.setField(b.getDescriptorForType().findFieldByName(field), value).build();
    }

    /** The fields an INVALID_ARGUMENT answer names, trying roles until one may call the method. */
    static List<String> violations(String service, MethodDescriptor<Object, Object> method, Message request) {
        for (String[] caller : CALLERS) {
            String role = caller[0];
            String token = registry.token(role, caller[1], caller[2]);
            StatusRuntimeException e = call(service, method, request, token);
            if (e != null && e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
                continue;
            }
            assertThat(e == null ? Status.Code.OK : e.getStatus().getCode()).as(method.getFullMethodName() + " as " + role)
                    .isIn(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION);
            return e == null ? List.of() : fields(e);
        }
        throw new AssertionError("no role may call " + method.getFullMethodName());
    }

    /** The fields an INVALID_ARGUMENT answer names (none for other answers). */
    static List<String> fields(StatusRuntimeException e) {
        return e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT ? List.of()
                : GrpcAssertions.details(e, BadRequest.class).getFieldViolationsList().stream()
                        .map(BadRequest.FieldViolation::getField).toList();
    }

    /** Calls a unary method; null when it answered OK, else the failure. */
    static StatusRuntimeException call(String service, MethodDescriptor<Object, Object> method, Object request, String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        Channel channel = ClientInterceptors.intercept(registry.channel(service), MetadataUtils.newAttachHeadersInterceptor(headers));
        try {
            ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request);
            return null;
        } catch (StatusRuntimeException e) {
            return e;
        }
    }
}
