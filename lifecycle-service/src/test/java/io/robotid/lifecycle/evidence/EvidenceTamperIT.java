package io.robotid.lifecycle.evidence;

import static io.robotid.lifecycle.support.Fleet.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.lifecycle.support.Fleet;
import io.robotid.lifecycle.support.RegistryProcesses;
import io.robotid.proto.common.v1.Discrepancy;
import io.robotid.proto.lifecycle.v1.*;
import io.robotid.testkit.Tampering;
import io.robotid.testkit.Tokens;

/**
 * Every stored column of one robot's record (its events, its row, its components, its feed entries, its
 * recall matches and campaigns), changed one at a time directly in PostgreSQL, is named by VerifyChain;
 * put back, the record verifies again. A column the database itself refuses to change (a key others
 * reference, a generated number) is shown to be refused. A new column in these tables fails the test
 * until it is placed in one of these groups.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class EvidenceTamperIT {
    static Fleet fleet;
    static String robot;
    static String other;
    /** A robot with a row and no event: where an event row can be moved without meeting another's key. */
    static String empty;
    static String campaign;
    static String otherCampaign;
    /** A campaign that matched no robot: where a recall match can be moved without meeting another's key. */
    static String unmatchedCampaign;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    /** Columns the database refuses to change on their own, and why. */
    static final Map<String, String> REFUSED_BY_THE_DATABASE = Map.of(
            "robot.robot_id", "the primary key the events, components and recall matches reference",
            "status_feed.feed_sequence", "an identity GENERATED ALWAYS: only the service numbers entries",
            "recall_campaign.campaign_id", "the primary key the recall matches reference");

    @BeforeAll
    static void setUp() {
        fleet = new Fleet().issue(3);
        robot = fleet.robots.get(0);
        other = fleet.robots.get(1);
        empty = fleet.robots.get(2);
        String maker = Tokens.manufacturer(fleet.manufacturerCode);
        String owner = Tokens.token("op-a", "OPERATOR", "org_id", "org-a");
        String service = Tokens.role("SERVICE_PROVIDER");
        for (String r : List.of(robot, other)) {
            fleet.as(maker).recordEvent(event(r, produced()).build());
            fleet.as(maker).recordEvent(event(r, sold("org-a")).build());
        }
        fleet.as(owner).recordEvent(event(robot, deployed("org-a")).build());
        // refused (not sold yet), but the robot's row is made
        assertThatThrownBy(() -> fleet.as(owner).recordEvent(event(empty, deployed("org-a")).build()));
        fleet.as(Tokens.token("r", "ROBOT", "robot_id", robot)).recordEvent(event(robot, telemetry(55)).build());
        fleet.as(service).recordEvent(event(robot, EventPayload.newBuilder().setComponentReplaced(ComponentReplaced.newBuilder()
                .setOldPart(Component.newBuilder().setPartNumber("BAT-9").setLot("B2").setSerial("S2"))
                .setNewPart(Component.newBuilder().setPartNumber("BAT-9R").setLot("B7").setSerial("S9").setSafetyRelevant(true)
                        .setCategory(ComponentCategory.COMPONENT_CATEGORY_BATTERY))
                .setReason("worn")).build()).build());
        fleet.as(maker).recordEvent(event(robot, EventPayload.newBuilder().setSoftwareUpdated(SoftwareUpdated.newBuilder()
                .setFirmwareVersion("3.2.0").setPackageSha256("b".repeat(64))).build()).build());
        fleet.as(Tokens.role("REGULATOR")).recordEvent(event(robot, suspended()).build());
        fleet.as(Tokens.role("REGULATOR")).recordEvent(event(robot, reinstated()).build());
        campaign = recall(maker, RecallSeverity.RECALL_SEVERITY_STOP_USE);
        otherCampaign = recall(maker, RecallSeverity.RECALL_SEVERITY_ADVISORY);
        unmatchedCampaign = fleet.as(maker).createRecallCampaign(CreateRecallCampaignRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setTitle("Lot L9").setDescription("None were built.")
                .setSeverity(RecallSeverity.RECALL_SEVERITY_ADVISORY).setCriteria(RecallCriteria.newBuilder()
                        .addModelCodes(robot.substring(6, 12)).setPartNumber("MTR-100").addLots("L9"))
                .build()).getCampaign().getCampaignId();
        fleet.as(service).recordEvent(event(robot, EventPayload.newBuilder().setRecallRemedied(RecallRemedied.newBuilder()
                .setCampaignId(campaign).setRemedy("motor replaced")).build()).build());
    }

    static String recall(String maker, RecallSeverity severity) {
        return fleet.as(maker).createRecallCampaign(CreateRecallCampaignRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setTitle("Motor lot L7").setDescription("Replace the hip motor.")
                .setSeverity(severity).setCriteria(RecallCriteria.newBuilder().addModelCodes(robot.substring(6, 12))
                        .setPartNumber("MTR-100").addLots("L7"))
                .build()).getCampaign().getCampaignId();
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        fleet.close();
    }

    static VerifyChainResponse verify() {
        return fleet.as(Tokens.auditor()).verifyChain(VerifyChainRequest.newBuilder().setRobotId(robot).build());
    }

    /** What VerifyChain must name for a change of a column: the table, and the column when it can tell it. */
    record Expected(String table, String column) {
    }

    static Expected expected(String table, String column) {
        return switch (table + "." + column) {
            case "event.type", "event.occurred_at", "event.previous_hash", "event.hash", "event.payload" ->
                new Expected("event", column);
            case "event.payload_salt" -> new Expected("event", "payload");
            case "event.recorder_subject", "event.recorder_organisation", "event.recorder_salt" ->
                new Expected("event", "recorder_subject");
            // the sealed record itself, the robot and sequence it is filed under: the row is named
            case "event.body", "event.seal_version", "event.robot_id", "event.sequence" -> new Expected("event", "");
            case "robot_component.robot_id", "robot_component.part_number", "robot_component.lot",
                    "robot_component.serial" -> new Expected("robot_component", "");
            case "recall_robot.campaign_id", "recall_robot.robot_id" -> new Expected("recall_robot", "");
            case "recall_robot.remedied_at" -> new Expected("recall_robot", "remedied_at");
            default -> table.equals("robot") ? new Expected("robot", column)
                    : table.equals("status_feed") ? new Expected("status_feed", "")
                    : table.equals("recall_campaign") ? new Expected("recall_campaign", "record_hash")
                    : null;
        };
    }

    @Test
    void everyStoredColumnChangedAloneIsNamedAndTheRecordVerifiesOnceItIsBack() throws SQLException {
        assertThat(verify().getIntact()).as("the untouched record").isTrue();
        List<String> changed = new ArrayList<>();
        try (Tampering db = new Tampering(jdbcUrl, "postgres", "")) {
            Map<String, String> rowsOf = new LinkedHashMap<>();
            rowsOf.put("event", "robot_id = ? and sequence in (1, 5)");
            rowsOf.put("robot", "robot_id = ?");
            rowsOf.put("robot_component", "robot_id = ?");
            rowsOf.put("status_feed", "robot_id = ? and cause in ('EVENT_TYPE_PRODUCED', 'EVENT_TYPE_COMPONENT_REPLACED')");
            rowsOf.put("recall_robot", "robot_id = ?");
            rowsOf.put("recall_campaign", "campaign_id in (select campaign_id from recall_robot where robot_id = ?)");
            for (var table : rowsOf.entrySet()) {
                // a row's ctid moves with every update: each change and restore answers where it is now
                List<String> rows = new ArrayList<>(db.rows(table.getKey(), table.getValue(), robot));
                assertThat(rows).as("rows of %s", table.getKey()).isNotEmpty();
                for (Tampering.Column column : db.columns(table.getKey())) {
                    String name = table.getKey() + "." + column.name();
                    if (REFUSED_BY_THE_DATABASE.containsKey(name)) {
                        assertThatThrownBy(() -> db.change(rows.get(0), column)).as(name).isInstanceOf(SQLException.class);
                        continue;
                    }
                    Expected want = expected(table.getKey(), column.name());
                    assertThat(want).as("%s is neither checked nor known to be refused: place it", name).isNotNull();
                    for (int i = 0; i < rows.size(); i++) {
                        Tampering.Change change = db.change(rows.get(i), column, override(name));
                        VerifyChainResponse found = verify();
                        rows.set(i, db.restore(change));
                        assertThat(found.getIntact()).as("%s changed", name).isFalse();
                        assertThat(found.getDiscrepanciesList()).as("%s changed: %s", name, found.getDiscrepanciesList())
                                .anySatisfy(d -> named(d, want));
                        changed.add(name);
                    }
                }
            }
        }
        assertThat(verify().getIntact()).as("every value put back").isTrue();
        System.out.printf("VerifyChain named each of %d column changes in %d columns%n", changed.size(),
                Set.copyOf(changed).size());
    }

    /** Keys other rows reference are moved to another existing record (the database refuses a dangling one). */
    private String override(String column) {
        return switch (column) {
            case "event.robot_id" -> "'" + empty + "'";
            case "robot_component.robot_id", "recall_robot.robot_id" -> "'" + empty + "'";
            case "recall_robot.campaign_id" -> "'" + unmatchedCampaign + "'::uuid";
            case "event.sequence" -> "sequence + 1000";
            default -> null;
        };
    }

    private static void named(Discrepancy d, Expected want) {
        assertThat(d.getTable()).isEqualTo(want.table());
        if (!want.column().isEmpty()) {
            assertThat(d.getColumn()).isEqualTo(want.column());
        }
    }
}
