package io.robotid.filing.support;

import java.util.UUID;

import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.BatteryChemistry;
import io.robotid.proto.filing.v1.CapabilityProfile;
import io.robotid.proto.filing.v1.DataCategory;
import io.robotid.proto.filing.v1.DataCollectionDeclaration;
import io.robotid.proto.filing.v1.DataDestination;
import io.robotid.proto.filing.v1.HardwareParameters;
import io.robotid.proto.filing.v1.ModelSpecification;
import io.robotid.proto.filing.v1.RegisterManufacturerRequest;
import io.robotid.proto.filing.v1.SoftwareBaseline;

/** Valid requests to start from; tests break one rule at a time. */
public final class Fixtures {
    private Fixtures() {
    }

    public static String requestId() {
        return UUID.randomUUID().toString();
    }

    /** A registration number no other test uses, so tests do not depend on each other. */
    public static String uniqueRegistrationNumber() {
        return "91110000-" + UUID.randomUUID().toString().substring(0, 12).toUpperCase();
    }

    public static RegisterManufacturerRequest.Builder manufacturer() {
        return RegisterManufacturerRequest.newBuilder()
                .setRequestId(requestId())
                .setLegalName("Beijing Humanoid Robotics Co., Ltd.")
                .setCountry("cn")
                .setRegistrationNumber(uniqueRegistrationNumber())
                .addContacts(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC)
                        .setName("Customer service").setEmail("service@example.cn").setPhone("+861012345678"))
                .addContacts(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_EMERGENCY)
                        .setName("Safety desk").setPhone("+861087654321"));
    }

    public static ModelSpecification.Builder specification() {
        return ModelSpecification.newBuilder()
                .setName("Walker S2")
                .setFamily("Walker")
                .setHardware(HardwareParameters.newBuilder()
                        .setHeightM(1.72).setMassKg(76).setDegreesOfFreedom(41).setPayloadKg(15)
                        .setTopSpeedMPerS(2.0).setBatteryCapacityWh(1200)
                        .setBatteryChemistry(BatteryChemistry.BATTERY_CHEMISTRY_LITHIUM_IRON_PHOSPHATE)
                        .addSensors("stereo camera").addSensors("lidar").setCompute("Jetson Thor")
                        .addConnectivity("wifi-6"))
                .setCapabilities(CapabilityProfile.newBuilder().setAutonomousLocomotion(true)
                        .setObjectManipulation(true).setAutonomousTaskDecisions(true))
                .setSoftwareBaseline(SoftwareBaseline.newBuilder().setFirmwareVersion("3.1.0")
                        .setAiModelVersion("vla-2026.04"))
                .setDataCollection(DataCollectionDeclaration.newBuilder()
                        .addCategories(DataCategory.DATA_CATEGORY_VIDEO).setRetentionDays(30)
                        .addDestinations(DataDestination.newBuilder().setRecipient("manufacturer cloud").setCountry("CN"))
                        .setNotice("Cameras record video for navigation; kept 30 days."))
                .addIntendedScenarios("retail shelf stocking");
    }
}
