package io.robotid.identity.page;

import io.quarkus.qute.TemplateData;
import io.robotid.kit.error.FieldViolation;

/** Value resolvers for classes of other modules that the page templates read. */
@TemplateData(target = FieldViolation.class)
final class TemplateDataTargets {
    private TemplateDataTargets() {
    }
}
