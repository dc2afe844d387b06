package io.robotid.filing.domain;

/** The capability flags of a model filing, from which its intelligence level is derived. */
public record Capabilities(
        boolean autonomousLocomotion,
        boolean objectManipulation,
        boolean intendedPhysicalContact,
        boolean autonomousTaskDecisions,
        boolean learningInDeployment,
        boolean cloudModelDependence,
        boolean offlineOperation,
        boolean naturalLanguageInteraction) {
}
