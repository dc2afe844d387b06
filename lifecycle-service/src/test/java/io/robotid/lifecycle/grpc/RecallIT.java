package io.robotid.lifecycle.grpc;

import static io.robotid.lifecycle.support.Fleet.*;
import static io.robotid.testkit.GrpcAssertions.invalid;
import static io.robotid.testkit.GrpcAssertions.reason;
import static io.robotid.testkit.GrpcAssertions.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.lifecycle.support.Fleet;
import io.robotid.lifecycle.support.RegistryProcesses;
import io.robotid.proto.lifecycle.v1.*;
import io.robotid.testkit.SingleAnswer;
import io.robotid.testkit.Tokens;

/** Recall criteria over a generated fleet, against the set the test computes itself. */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class RecallIT {
    static final int FLEET = 1000;

    static Fleet fleet;
    static String model;
    /** Robots whose motor lot is L7 and firmware 3.1.0: what the recall below must select. */
    static Set<String> expected = new HashSet<>();

    @BeforeAll
    static void setUp() throws Exception {
        fleet = new Fleet().issue(FLEET);
        model = fleet.robots.get(0).substring(6, 12);
        SingleAnswer<RecordEventsResponse> answer = new SingleAnswer<>();
        StreamObserver<RecordEventsRequest> upload = fleet.async(Tokens.manufacturer(fleet.manufacturerCode))
                .withDeadlineAfter(5, TimeUnit.MINUTES).recordEvents(answer);
        for (int i = 0; i < FLEET; i++) {
            String robot = fleet.robots.get(i);
            String lot = i % 3 == 0 ? "L7" : "L8";
            String firmware = i % 2 == 0 ? "3.1.0" : "3.2.0";
            if (lot.equals("L7") && firmware.equals("3.1.0")) {
                expected.add(robot);
            }
            upload.onNext(RecordEventsRequest.newBuilder().setEvent(event(robot, EventPayload.newBuilder()
                    .setProduced(Produced.newBuilder().setBuildDate("2026-11-20").setFirmwareVersion(firmware)
                            .setFactoryTestPassed(true)
                            .addComponents(Component.newBuilder().setPartNumber("MTR-100").setLot(lot).setSerial("M" + i))
                            .addComponents(Component.newBuilder().setPartNumber("BAT-9").setLot("B1").setSerial("B" + i)))
                    .build())).build());
        }
        upload.onCompleted();
        RecordEventsResponse produced = answer.await(5, TimeUnit.MINUTES);
        assertThat(produced.getRecorded()).isEqualTo(FLEET);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        fleet.close();
    }

    static void sleepPastTheSecond() {
        try {
            Thread.sleep(1_100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static CreateRecallCampaignRequest.Builder recall() {
        return CreateRecallCampaignRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setTitle("Motor lot L7 overheating").setDescription("Replace the hip motor.")
                .setSeverity(RecallSeverity.RECALL_SEVERITY_STOP_USE)
                .setCriteria(RecallCriteria.newBuilder().addModelCodes(model).addFirmwareVersions("3.1.0")
                        .setPartNumber("MTR-100").addLots("L7").setProducedFrom("2026-01-01").setProducedTo("2026-12-31"));
    }

    @Test
    void aRecallFindsExactlyTheAffectedRobotsNotifiesThemAndCountsRemedies() {
        CreateRecallCampaignRequest request = recall().build();
        long started = System.nanoTime();
        RecallCampaign campaign = fleet.as(Tokens.manufacturer(fleet.manufacturerCode)).createRecallCampaign(request)
                .getCampaign();
        System.out.printf("recall over %d robots: %d affected, created and notified in %d ms%n", FLEET,
                campaign.getAffected(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(campaign.getAffected()).isEqualTo(expected.size());
        assertThat(campaign.getRemedied()).isZero();

        List<String> affected = new ArrayList<>();
        fleet.as(Tokens.auditor()).listAffectedRobots(ListAffectedRobotsRequest.newBuilder()
                .setCampaignId(campaign.getCampaignId()).build()).forEachRemaining(r -> affected.add(r.getRobotId()));
        assertThat(affected).containsExactlyInAnyOrderElementsOf(expected);

        String one = affected.get(0);
        RobotState state = fleet.as(Tokens.auditor()).getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(one)
                .build()).getState();
        assertThat(state.getOpenStopUseRecallsList()).containsExactly(campaign.getCampaignId());

        // A retry, a while later, returns the same campaign and notifies nobody twice.
        sleepPastTheSecond();
        RecallCampaign again = fleet.as(Tokens.manufacturer(fleet.manufacturerCode)).createRecallCampaign(request)
                .getCampaign();
        assertThat(again.getCampaignId()).isEqualTo(campaign.getCampaignId());
        assertThat(fleet.as(Tokens.auditor()).listEvents(ListEventsRequest.newBuilder().setRobotId(one)
                .addTypes(EventType.EVENT_TYPE_RECALL_NOTIFIED).build()).getEventsCount()).isEqualTo(1);

        fleet.as(Tokens.role("SERVICE_PROVIDER")).recordEvent(event(one, EventPayload.newBuilder().setRecallRemedied(
                RecallRemedied.newBuilder().setCampaignId(campaign.getCampaignId()).setRemedy("motor replaced")).build())
                .build());
        RecallCampaign after = fleet.as(Tokens.auditor()).getRecallCampaign(GetRecallCampaignRequest.newBuilder()
                .setCampaignId(campaign.getCampaignId()).build()).getCampaign();
        assertThat(after.getRemedied()).isEqualTo(1);
        assertThat(fleet.as(Tokens.auditor()).getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(one).build())
                .getState().getOpenStopUseRecallsList()).isEmpty();

        String unaffected = fleet.robots.stream().filter(r -> !expected.contains(r)).findFirst().orElseThrow();
        var e = refused(() -> fleet.as(Tokens.role("SERVICE_PROVIDER")).recordEvent(event(unaffected,
                EventPayload.newBuilder().setRecallRemedied(RecallRemedied.newBuilder()
                        .setCampaignId(campaign.getCampaignId()).setRemedy("x")).build()).build()),
                Status.Code.FAILED_PRECONDITION);
        assertThat(reason(e)).isEqualTo("RECALL_NOT_OPEN");
    }

    /** Lists a campaign's robots, draining the stream. */
    static List<ListAffectedRobotsResponse> list(String campaignId, int pageSize, String pageToken) {
        List<ListAffectedRobotsResponse> out = new ArrayList<>();
        fleet.as(Tokens.auditor()).listAffectedRobots(ListAffectedRobotsRequest.newBuilder().setCampaignId(campaignId)
                .setPageSize(pageSize).setPageToken(pageToken).build()).forEachRemaining(out::add);
        return out;
    }

    @Test
    void affectedRobotsComeInRobotIdOrderWholeOrInPagesAndResumeFromAnyRobot() {
        // lot L8: two thirds of the fleet, more than one chunk the service reads at a time (500)
        RecallCampaign campaign = fleet.as(Tokens.regulator()).createRecallCampaign(recall()
                .setSeverity(RecallSeverity.RECALL_SEVERITY_ADVISORY)
                .setCriteria(RecallCriteria.newBuilder().addModelCodes(model).setPartNumber("MTR-100").addLots("L8"))
                .build()).getCampaign();
        List<String> selected = new ArrayList<>();
        for (int i = 0; i < FLEET; i++) {
            if (i % 3 != 0) {
                selected.add(fleet.robots.get(i));
            }
        }
        assertThat(campaign.getAffected()).isEqualTo(selected.size()).isGreaterThan(500);
        String id = campaign.getCampaignId();

        List<ListAffectedRobotsResponse> whole = list(id, 0, "");
        // in the database's order of robot IDs (its collation), the order every page follows
        List<String> ordered = whole.stream().map(ListAffectedRobotsResponse::getRobotId).toList();
        assertThat(ordered).containsExactlyInAnyOrderElementsOf(selected);
        assertThat(whole).allSatisfy(r -> assertThat(r.getRemedied()).isFalse());

        // pages of 200: each continues from the last robot of the one before; the end is an empty page
        List<String> paged = new ArrayList<>();
        String token = "";
        int pages = 0;
        while (true) {
            List<ListAffectedRobotsResponse> page = list(id, 200, token);
            assertThat(page.size()).isLessThanOrEqualTo(200);
            if (page.isEmpty()) {
                break;
            }
            pages++;
            page.forEach(r -> paged.add(r.getRobotId()));
            token = page.get(page.size() - 1).getNextPageToken();
        }
        assertThat(paged).containsExactlyElementsOf(ordered);
        assertThat(pages).isEqualTo((selected.size() + 199) / 200);

        // a broken stream resumes after the last robot received
        List<ListAffectedRobotsResponse> rest = list(id, 0, whole.get(299).getNextPageToken());
        assertThat(rest).extracting(ListAffectedRobotsResponse::getRobotId)
                .containsExactlyElementsOf(ordered.subList(300, ordered.size()));

        // bad input names the field; a token of another campaign is not accepted
        invalid(() -> list(id, -1, ""), "page_size");
        invalid(() -> list(id, 501, ""), "page_size");
        invalid(() -> list(id, 10, "not-a-token"), "page_token");
        RecallCampaign other = fleet.as(Tokens.regulator()).createRecallCampaign(recall()
                .setSeverity(RecallSeverity.RECALL_SEVERITY_ADVISORY)
                .setCriteria(RecallCriteria.newBuilder().addModelCodes(model).addFirmwareVersions("9.9.9")).build())
                .getCampaign();
        invalid(() -> list(other.getCampaignId(), 10, whole.get(0).getNextPageToken()), "page_token");
        assertThat(list(other.getCampaignId(), 0, "")).isEmpty();
        invalid(() -> list("x", 0, ""), "campaign_id");
        refused(() -> list(UUID.randomUUID().toString(), 0, ""), Status.Code.NOT_FOUND);
        refused(() -> fleet.anonymous().listAffectedRobots(ListAffectedRobotsRequest.newBuilder().setCampaignId(id)
                .build()).forEachRemaining(r -> { }), Status.Code.UNAUTHENTICATED);
    }

    @Test
    void onlyTheModelsManufacturerOrARegulatorMayRecall() {
        var e = refused(() -> fleet.as(Tokens.manufacturer("ZZZZ")).createRecallCampaign(recall().build()),
                Status.Code.PERMISSION_DENIED);
        assertThat(reason(e)).isEqualTo("NOT_CALLERS_MANUFACTURER");
        refused(() -> fleet.as(Tokens.token("op", "OPERATOR", "org_id", "org-a")).createRecallCampaign(recall().build()),
                Status.Code.PERMISSION_DENIED);
        refused(() -> fleet.anonymous().createRecallCampaign(recall().build()), Status.Code.UNAUTHENTICATED);
        RecallCampaign advisory = fleet.as(Tokens.regulator()).createRecallCampaign(recall()
                .setSeverity(RecallSeverity.RECALL_SEVERITY_ADVISORY)
                .setCriteria(RecallCriteria.newBuilder().addModelCodes(model).addFirmwareVersions("9.9.9")).build())
                .getCampaign();
        assertThat(advisory.getAffected()).isZero();
    }

    @Test
    void badCriteriaNameTheField() {
        var maker = fleet.as(Tokens.manufacturer(fleet.manufacturerCode));
        invalid(() -> maker.createRecallCampaign(recall().setCriteria(RecallCriteria.newBuilder()).build()),
                "criteria.model_codes");
        invalid(() -> maker.createRecallCampaign(recall().setSeverity(RecallSeverity.RECALL_SEVERITY_UNSPECIFIED)
                .build()), "severity");
        invalid(() -> maker.createRecallCampaign(recall().setTitle("").build()), "title");
        invalid(() -> maker.createRecallCampaign(recall().setCriteria(RecallCriteria.newBuilder().addModelCodes(model)
                .addLots("L7")).build()), "criteria.lots");
        invalid(() -> maker.createRecallCampaign(recall().setCriteria(RecallCriteria.newBuilder().addModelCodes(model)
                .setProducedFrom("2026-13-01")).build()), "criteria.produced_from");
        invalid(() -> maker.createRecallCampaign(recall().setCriteria(RecallCriteria.newBuilder().addModelCodes("O0"))
                .build()), "criteria.model_codes[0]");
        refused(() -> maker.createRecallCampaign(recall().setCriteria(RecallCriteria.newBuilder().addModelCodes("ZZZZZZ"))
                .build()), Status.Code.NOT_FOUND);
        invalid(() -> fleet.as(Tokens.auditor()).getRecallCampaign(GetRecallCampaignRequest.newBuilder()
                .setCampaignId("x").build()), "campaign_id");
        refused(() -> fleet.as(Tokens.auditor()).getRecallCampaign(GetRecallCampaignRequest.newBuilder()
                .setCampaignId(UUID.randomUUID().toString()).build()), Status.Code.NOT_FOUND);
    }
}
