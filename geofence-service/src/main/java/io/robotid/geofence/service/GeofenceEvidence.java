package io.robotid.geofence.service;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import io.quarkus.runtime.StartupEvent;
import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.Denials;
import io.robotid.evidence.format.ZonePolicy;
import io.robotid.geofence.domain.Finding;
import io.robotid.geofence.domain.PolicyLog;
import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.geofence.repository.DenialRepository;
import io.robotid.geofence.repository.PolicyRepository;
import io.robotid.geofence.repository.ProjectionRepository;
import io.robotid.kit.evidence.EvidenceMigrations;
import io.robotid.kit.paging.PageRequest;
import io.robotid.proto.geofence.v1.Denial;
import io.robotid.proto.geofence.v1.Grant;
import io.robotid.proto.geofence.v1.PolicyChange;
import io.robotid.proto.geofence.v1.Zone;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * geofence-service's evidence (EVIDENCE.md sections 7 and 8.7): the policy log as served
 * (ListPolicyChanges), the verification of everything stored against its seals (VerifyRecords), and the
 * start-up migration that seals what was stored before the log existed.
 */
@ApplicationScoped
public class GeofenceEvidence {
    private static final int PAGE = 10_000;

    /** What a verification found. */
    public record Verification(long recordsChecked, List<Finding> findings, long policyVersion, String policyHash) {
    }

    private final PolicyRepository policy;
    private final ProjectionRepository projections;
    private final DenialRepository denials;
    private final Pool database;
    private final Clock clock;

    public GeofenceEvidence(PolicyRepository policy, ProjectionRepository projections, DenialRepository denials,
            Pool database, Clock clock) {
        this.policy = policy;
        this.projections = projections;
        this.denials = denials;
        this.database = database;
        this.clock = clock;
    }

    /** Before the policy is loaded: zones, grants and denials stored before they were sealed get sealed. */
    void onStart(@Observes @Priority(100) StartupEvent event) {
        database.withTransaction(c -> policy.sealUnlogged(c)
                .call(n -> EvidenceMigrations.record(c, "robotid-zone-policy-v1: zone and zone_grant into policy_change", n,
                        clock))
                .chain(() -> denials.sealUnsealed(c))
                .call(n -> EvidenceMigrations.record(c, "robotid-denial-v1: denial", n, clock)))
                .await().atMost(Duration.ofMinutes(10));
    }

    /** A page of the policy log, and the token of the next one (null when none follows). */
    public record ChangePage(List<PolicyChange> changes, String nextPageToken) {
    }

    /** A page of the policy log after {@code afterSeq} (or after where the page token says). */
    public Uni<ChangePage> changes(long afterSeq, int pageSize, String pageToken) {
        io.robotid.kit.validation.Violations v = new io.robotid.kit.validation.Violations();
        if (afterSeq < 0) {
            v.add("after_seq", "must be 0 or the seq of a change already read");
        }
        String filters = "after=" + afterSeq;
        PageRequest page = v.gather(() -> PageRequest.of(pageSize, pageToken, filters));
        Long cursor = page == null ? null : v.gather(page::longCursor);
        v.throwIfAny();
        int size = page.size();
        long after = cursor == null ? afterSeq : cursor;
        return policy.changesAfter(after, size + 1).map(rows -> {
            List<PolicyChange> out = new ArrayList<>();
            for (PolicyRepository.StoredChange c : rows.subList(0, Math.min(rows.size(), size))) {
                out.add(PolicyChange.newBuilder().setSeq(c.seq()).setVersion(c.version()).setKind(c.kind())
                        .setEntityId(c.entityId()).setSealed(ByteString.copyFrom(c.sealed())).setHash(c.hash())
                        .setPreviousHash(c.previousHash()).build());
            }
            return new ChangePage(out, rows.size() > size
                    ? PageRequest.tokenAfter(Long.toString(out.get(out.size() - 1).getSeq()), filters) : null);
        });
    }

    public Uni<Verification> verify() {
        List<Finding> findings = new ArrayList<>();
        Map<String, PolicyRepository.StoredChange> latestZone = new HashMap<>();
        Map<String, PolicyRepository.StoredChange> latestGrant = new HashMap<>();
        long[] counts = new long[1];
        String[] head = { PolicyLog.GENESIS };
        long[] version = new long[1];
        return log(0, new long[] { 0 }, head, version, counts, latestZone, latestGrant, findings)
                .chain(() -> policy.storedZones()).invoke(zones -> zones(zones, latestZone, findings, counts))
                .chain(() -> policy.storedGrants()).invoke(grants -> grants(grants, latestGrant, findings, counts))
                .chain(() -> projections.forEachStatus(ProjectionRepository.STATUS_PAGE,
                        page -> findings.addAll(ProjectionChecks.statusProblems(page))))
                .invoke(robots -> counts[0] += robots)
                .chain(() -> projections.loadAll()).invoke(stored -> {
                    counts[0] += stored.certifications().size();
                    findings.addAll(ProjectionChecks.problems(stored));
                })
                .chain(() -> denials(0, findings, counts))
                .map(ignored -> new Verification(counts[0], findings, version[0], head[0]));
    }

    /** The policy log, change by change: each one's seal, its link, its number and its body. */
    private Uni<Void> log(long after, long[] expectedSeq, String[] previous, long[] version, long[] counts,
            Map<String, PolicyRepository.StoredChange> latestZone, Map<String, PolicyRepository.StoredChange> latestGrant,
            List<Finding> findings) {
        return policy.changesAfter(after, PAGE).chain(page -> {
            for (PolicyRepository.StoredChange c : page) {
                counts[0]++;
                String key = "seq=" + c.seq();
                if (c.seq() != expectedSeq[0] + 1) {
                    findings.add(new Finding("policy_change", key, "seq", "expected " + (expectedSeq[0] + 1)
                            + " (a change is missing or renumbered)"));
                }
                if (!Objects.equals(c.previousHash(), previous[0])) {
                    findings.add(new Finding("policy_change", key, "previous_hash", "does not link to the change before it"));
                }
                String computed = Hex.of(Sha256.of(c.sealed()));
                if (!computed.equals(c.hash())) {
                    findings.add(new Finding("policy_change", key, "hash",
                            "is not the seal of the change's seq, version, kind, entity_id and body"));
                }
                body(c, key, findings);
                if (ZonePolicy.ZONE.equals(c.kind())) {
                    latestZone.put(c.entityId(), c);
                } else if (ZonePolicy.GRANT.equals(c.kind())) {
                    latestGrant.put(c.entityId(), c);
                }
                expectedSeq[0] = c.seq();
                previous[0] = c.hash();
                version[0] = Math.max(version[0], c.version());
            }
            return page.size() < PAGE ? Uni.createFrom().voidItem()
                    : log(page.get(page.size() - 1).seq(), expectedSeq, previous, version, counts, latestZone, latestGrant,
                            findings);
        });
    }

    private static void body(PolicyRepository.StoredChange c, String key, List<Finding> findings) {
        try {
            switch (c.kind()) {
                case ZonePolicy.ZONE -> {
                    Zone z = Zone.parseFrom(c.body());
                    if (!z.getZoneId().equals(c.entityId())) {
                        findings.add(new Finding("policy_change", key, "entity_id", "is not the zone in the body"));
                    }
                    if (z.getVersion() != c.version()) {
                        findings.add(new Finding("policy_change", key, "version", "is not the version of the zone in the body"));
                    }
                }
                case ZonePolicy.GRANT -> {
                    Grant g = Grant.parseFrom(c.body());
                    if (!g.getGrantId().equals(c.entityId())) {
                        findings.add(new Finding("policy_change", key, "entity_id", "is not the grant in the body"));
                    }
                    if (g.getVersion() != c.version()) {
                        findings.add(new Finding("policy_change", key, "version", "is not the version of the grant in the body"));
                    }
                }
                default -> findings.add(new Finding("policy_change", key, "kind", "is neither ZONE nor GRANT"));
            }
        } catch (InvalidProtocolBufferException e) {
            findings.add(new Finding("policy_change", key, "body", "is not a " + c.kind().toLowerCase() + " record"));
        }
    }

    /** Every zone row is the latest logged record of its zone, with the columns that record gives. */
    private static void zones(List<PolicyRepository.StoredZone> rows, Map<String, PolicyRepository.StoredChange> latest,
            List<Finding> findings, long[] counts) {
        Map<String, PolicyRepository.StoredChange> unseen = new HashMap<>(latest);
        for (PolicyRepository.StoredZone row : rows) {
            counts[0]++;
            String key = "zone_id=" + row.zoneId();
            PolicyRepository.StoredChange change = unseen.remove(row.zoneId());
            if (change == null) {
                findings.add(new Finding("zone", key, "", "the policy log has no change of this zone"));
                continue;
            }
            if (!Arrays.equals(row.body(), change.body())) {
                findings.add(new Finding("zone", key, "body", "is not the zone as last logged (change " + change.seq() + ")"));
            }
            Zone z;
            try {
                z = Zone.parseFrom(change.body());
            } catch (InvalidProtocolBufferException e) {
                continue;
            }
            compare(findings, "zone", key, "version", row.version(), change.version());
            compare(findings, "zone", key, "deleted", row.deleted(), z.getDeleted());
            compare(findings, "zone", key, "authority", row.authority(), z.getAuthority());
            compare(findings, "zone", key, "kind", row.kind(), z.getDefinition().getKind().name());
            PolicyRepository.Placement p = ZoneService.placement(ZoneDefinitions.toZone(z.getZoneId(), z.getAuthority(),
                    z.getDefinition(), "zone"));
            compare(findings, "zone", key, "min_lat", row.minLat(), p.minLat());
            compare(findings, "zone", key, "min_lon", row.minLon(), p.minLon());
            compare(findings, "zone", key, "max_lat", row.maxLat(), p.maxLat());
            compare(findings, "zone", key, "max_lon", row.maxLon(), p.maxLon());
            compare(findings, "zone", key, "venue", row.venue(), p.venue());
        }
        unseen.keySet().forEach(id -> findings.add(new Finding("zone", "zone_id=" + id, "",
                "missing: the policy log has this zone")));
    }

    /** Every grant row is the latest logged record of its grant, with the columns that record gives. */
    private static void grants(List<PolicyRepository.StoredGrant> rows, Map<String, PolicyRepository.StoredChange> latest,
            List<Finding> findings, long[] counts) {
        Map<String, PolicyRepository.StoredChange> unseen = new HashMap<>(latest);
        for (PolicyRepository.StoredGrant row : rows) {
            counts[0]++;
            String key = "grant_id=" + row.grantId();
            PolicyRepository.StoredChange change = unseen.remove(row.grantId());
            if (change == null) {
                findings.add(new Finding("zone_grant", key, "", "the policy log has no change of this grant"));
                continue;
            }
            if (!Arrays.equals(row.body(), change.body())) {
                findings.add(new Finding("zone_grant", key, "body", "is not the grant as last logged (change " + change.seq() + ")"));
            }
            Grant g;
            try {
                g = Grant.parseFrom(change.body());
            } catch (InvalidProtocolBufferException e) {
                continue;
            }
            compare(findings, "zone_grant", key, "version", row.version(), change.version());
            compare(findings, "zone_grant", key, "revoked", row.revoked(), g.getRevoked());
            compare(findings, "zone_grant", key, "zone_id", row.zoneId(), g.getZoneId());
            compare(findings, "zone_grant", key, "robot_id", row.robotId(), emptyToNull(g.getRobotId()));
            compare(findings, "zone_grant", key, "operator_org_id", row.operatorOrgId(), emptyToNull(g.getOperatorOrgId()));
        }
        unseen.keySet().forEach(id -> findings.add(new Finding("zone_grant", "grant_id=" + id, "",
                "missing: the policy log has this grant")));
    }

    /** Every denial is what it was sealed as, with the columns its record gives. */
    private Uni<Void> denials(long after, List<Finding> findings, long[] counts) {
        return denials.stored(after, PAGE).chain(page -> {
            for (DenialRepository.StoredDenial row : page) {
                counts[0]++;
                String key = "denial_id=" + row.id();
                if (!Hex.of(Sha256.of(Denials.encode(row.body()))).equals(row.recordHash())) {
                    findings.add(new Finding("denial", key, "record_hash", "is not the seal of the denial's body"));
                }
                Denial d;
                try {
                    d = Denial.parseFrom(row.body());
                } catch (InvalidProtocolBufferException e) {
                    findings.add(new Finding("denial", key, "body", "is not a robotid.geofence.v1.Denial"));
                    continue;
                }
                compare(findings, "denial", key, "robot_id", row.robotId(), d.getRobotId());
                compare(findings, "denial", key, "zone_ids", row.zoneIds(), d.getMatchedZoneIdsList());
                compare(findings, "denial", key, "organisation", row.organisation(), d.getOrganisation());
                compare(findings, "denial", key, "decided_at", row.decidedAt(),
                        ZoneDefinitions.instant(true, d.getDecidedAt()).truncatedTo(ChronoUnit.MICROS));
            }
            return page.size() < PAGE ? Uni.createFrom().voidItem() : denials(page.get(page.size() - 1).id(), findings, counts);
        });
    }

    private static void compare(List<Finding> findings, String table, String key, String column, Object stored,
            Object derived) {
        if (!Objects.equals(stored, derived)) {
            findings.add(new Finding(table, key, column, "is " + stored + ", the sealed record gives " + derived));
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
