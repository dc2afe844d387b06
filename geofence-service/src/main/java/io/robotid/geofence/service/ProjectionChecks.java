package io.robotid.geofence.service;

import java.util.ArrayList;
import java.util.List;

import io.robotid.kit.feed.FeedSeals;
import io.robotid.geofence.domain.Finding;
import io.robotid.geofence.repository.ProjectionRepository;
import io.robotid.proto.certification.v1.WatchCertificationChangesResponse;

/**
 * Whether the stored feed projections are what the feeds sealed, where they are stored: each row's entry
 * must carry its seal, and the row's key, subject and sequence columns must be the entry's.
 */
final class ProjectionChecks {
    private ProjectionChecks() {
    }

    static Finding lifecycleRowProblem(ProjectionRepository.StoredStatus row) {
        String key = "robot_id=" + row.robotId();
        if (row.entry() == null) {
            return new Finding("robot_status", key, "entry", "is not a lifecycle feed entry");
        }
        String seal = FeedSeals.lifecycleProblem(row.entry());
        if (seal != null) {
            return new Finding("robot_status", key, "entry", seal);
        }
        if (!row.robotId().equals(row.entry().getRobotId())) {
            return new Finding("robot_status", key, "robot_id", "is not the entry's robot (" + row.entry().getRobotId() + ")");
        }
        if (row.sequence() != row.entry().getFeedSequence()) {
            return new Finding("robot_status", key, "sequence", "is " + row.sequence() + ", the entry's is "
                    + row.entry().getFeedSequence());
        }
        return null;
    }

    static Finding certificationRowProblem(ProjectionRepository.StoredCertification row) {
        boolean certificate = row.table().equals("certificate");
        String key = (certificate ? "certificate_id=" : "robot_id=") + row.key();
        WatchCertificationChangesResponse e = row.entry();
        if (e == null) {
            return new Finding(row.table(), key, "body", "is not a certification feed entry");
        }
        String seal = FeedSeals.certificationProblem(e);
        if (seal != null) {
            return new Finding(row.table(), key, "body", seal);
        }
        if (row.sequence() != e.getSequence()) {
            return new Finding(row.table(), key, "sequence", "is " + row.sequence() + ", the entry's is " + e.getSequence());
        }
        if (certificate) {
            if (!e.hasCertificate() || !e.getCertificate().getCertificateId().equals(row.key())) {
                return new Finding(row.table(), key, "certificate_id", "is not the entry's certificate");
            }
            if (!e.getCertificate().getSubject().equals(row.subject())) {
                return new Finding(row.table(), key, "subject", "is not the entry certificate's subject ("
                        + e.getCertificate().getSubject() + ")");
            }
        } else if (!e.hasRevalidation() || !e.getRevalidation().getRobotId().equals(row.key())) {
            return new Finding(row.table(), key, "robot_id", "is not the entry's robot");
        }
        return null;
    }

    /** Every stored projection row that does not check out. */
    /** The problems of a page of stored robot statuses. */
    static List<Finding> statusProblems(List<ProjectionRepository.StoredStatus> statuses) {
        List<Finding> out = new ArrayList<>();
        statuses.forEach(r -> {
            Finding p = lifecycleRowProblem(r);
            if (p != null) {
                out.add(p);
            }
        });
        return out;
    }

    static List<Finding> problems(ProjectionRepository.Stored stored) {
        List<Finding> out = new ArrayList<>();
        stored.certifications().forEach(r -> {
            Finding p = certificationRowProblem(r);
            if (p != null) {
                out.add(p);
            }
        });
        return out;
    }
}
