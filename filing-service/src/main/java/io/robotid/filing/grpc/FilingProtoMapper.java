package io.robotid.filing.grpc;

import java.util.List;

import com.google.protobuf.Timestamp;

import io.robotid.filing.domain.ContactPurpose;
import io.robotid.filing.domain.ManufacturerContact;
import io.robotid.filing.domain.ModelFiling;
import io.robotid.filing.domain.ModelRevision;
import io.robotid.filing.domain.ProductionSite;
import io.robotid.filing.service.ManufacturerService.ContactInput;
import io.robotid.filing.service.ManufacturerService.ManufacturerView;
import io.robotid.filing.service.ModelFilingService.FilingView;
import io.robotid.filing.service.SpecificationJson;
import io.robotid.kit.audit.AuditStamp;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.filing.v1.FilingStatus;
import io.robotid.proto.filing.v1.IntelligenceLevel;
import io.robotid.proto.filing.v1.Manufacturer;
import io.robotid.proto.filing.v1.RevisionState;

/** Domain to proto and back, nothing else: no rules live here. */
final class FilingProtoMapper {
    private FilingProtoMapper() {
    }

    static Manufacturer toProto(ManufacturerView view) {
        Manufacturer.Builder b = Manufacturer.newBuilder()
                .setCode(view.manufacturer().code)
                .setLegalName(view.manufacturer().legalName)
                .setCountry(view.manufacturer().country)
                .setRegistrationNumber(view.manufacturer().registrationNumber)
                .setRegistered(toProto(view.manufacturer().registered));
        for (ManufacturerContact c : view.contacts()) {
            b.addContacts(Contact.newBuilder()
                    .setPurpose(io.robotid.proto.common.v1.ContactPurpose.valueOf("CONTACT_PURPOSE_" + c.purpose.name()))
                    .setName(c.name).setEmail(c.email).setPhone(c.phone));
        }
        return b.build();
    }

    static List<ContactInput> fromProto(List<Contact> contacts) {
        return contacts.stream().map(c -> new ContactInput(purpose(c.getPurpose()), c.getName(), c.getEmail(),
                c.getPhone())).toList();
    }

    private static ContactPurpose purpose(io.robotid.proto.common.v1.ContactPurpose purpose) {
        return switch (purpose) {
            case CONTACT_PURPOSE_PUBLIC -> ContactPurpose.PUBLIC;
            case CONTACT_PURPOSE_REGULATORY -> ContactPurpose.REGULATORY;
            case CONTACT_PURPOSE_EMERGENCY -> ContactPurpose.EMERGENCY;
            case CONTACT_PURPOSE_AFTER_SALES -> ContactPurpose.AFTER_SALES;
            case CONTACT_PURPOSE_UNSPECIFIED, UNRECOGNIZED -> null;
        };
    }

    static io.robotid.proto.filing.v1.ProductionSite toProto(ProductionSite site) {
        return io.robotid.proto.filing.v1.ProductionSite.newBuilder()
                .setManufacturerCode(site.manufacturerCode)
                .setSiteCode(site.siteCode)
                .setName(site.name)
                .setAddress(site.address)
                .setCountry(site.country)
                .setRegistered(toProto(site.registered))
                .build();
    }

    static io.robotid.proto.filing.v1.ModelFiling toProto(FilingView view) {
        ModelFiling f = view.filing();
        io.robotid.proto.filing.v1.ModelFiling.Builder b = io.robotid.proto.filing.v1.ModelFiling.newBuilder()
                .setFilingId(f.id.toString())
                .setManufacturerCode(f.manufacturerCode)
                .setModelCode(f.modelCode == null ? "" : f.modelCode)
                .setStatus(FilingStatus.valueOf("FILING_STATUS_" + f.status.name()))
                .setPendingRevision(f.pendingRevision)
                .setLatestRevision(f.latestRevision)
                .setStatusReason(f.statusReason)
                .setSubmitted(toProto(f.submitted))
                .setLastChanged(toProto(f.lastChanged));
        if (view.current() != null) {
            b.setCurrent(toProto(view.current()));
        }
        return b.build();
    }

    static io.robotid.proto.filing.v1.ModelRevision toProto(ModelRevision r) {
        io.robotid.proto.filing.v1.ModelRevision.Builder b = io.robotid.proto.filing.v1.ModelRevision.newBuilder()
                .setFilingId(r.filingId.toString())
                .setRevision(r.revision)
                .setReason(r.reason)
                .setSpecification(SpecificationJson.read(r.specificationJson))
                .setIntelligenceLevel(toProto(r.intelligenceLevel))
                .setState(RevisionState.valueOf("REVISION_STATE_" + r.state.name()))
                .setReviewReason(r.reviewReason)
                .setSubmitted(toProto(r.submitted));
        if (r.reviewed != null && r.reviewed.at != null) {
            b.setReviewed(toProto(r.reviewed));
        }
        return b.build();
    }

    static IntelligenceLevel toProto(io.robotid.filing.domain.IntelligenceLevel level) {
        return IntelligenceLevel.valueOf("INTELLIGENCE_LEVEL_" + level.name());
    }

    /** Null for UNSPECIFIED (no filter). */
    static io.robotid.filing.domain.IntelligenceLevel fromProto(IntelligenceLevel level) {
        if (level == IntelligenceLevel.INTELLIGENCE_LEVEL_UNSPECIFIED || level == IntelligenceLevel.UNRECOGNIZED) {
            return null;
        }
        return io.robotid.filing.domain.IntelligenceLevel.valueOf(level.name().substring("INTELLIGENCE_LEVEL_".length()));
    }

    /** Null for UNSPECIFIED (no filter). */
    static io.robotid.filing.domain.FilingStatus fromProto(FilingStatus status) {
        if (status == FilingStatus.FILING_STATUS_UNSPECIFIED || status == FilingStatus.UNRECOGNIZED) {
            return null;
        }
        return io.robotid.filing.domain.FilingStatus.valueOf(status.name().substring("FILING_STATUS_".length()));
    }

    static io.robotid.proto.common.v1.AuditStamp toProto(AuditStamp stamp) {
        return io.robotid.proto.common.v1.AuditStamp.newBuilder()
                .setSubject(stamp.subject)
                .setRole(stamp.role)
                .setOrganisation(stamp.organisation)
                .setTime(Timestamp.newBuilder().setSeconds(stamp.at.getEpochSecond()).setNanos(stamp.at.getNano()))
                .setRequestId(stamp.requestId.toString())
                .setTraceId(stamp.traceId)
                .build();
    }
}
