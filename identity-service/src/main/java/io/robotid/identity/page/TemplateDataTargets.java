package io.robotid.identity.page;

import io.quarkus.qute.TemplateData;
import io.robotid.kit.error.FieldViolation;

/** Value resolvers for classes of other modules that the page templates read. */
@TemplateData(target = FieldViolation.class)
@TemplateData(target = io.robotid.evidence.tlog.HistoryReport.class)
@TemplateData(target = io.robotid.evidence.tlog.HistoryReport.Entry.class)
@TemplateData(target = io.robotid.evidence.tlog.HistoryReport.Model.class)
final class TemplateDataTargets {
    private TemplateDataTargets() {
    }
}
