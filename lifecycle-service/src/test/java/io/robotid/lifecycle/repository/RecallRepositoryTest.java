package io.robotid.lifecycle.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.robotid.lifecycle.domain.StateMachine;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.RobotStatus;

/** The statuses a recall reaches come from the state machine, not from a second list. */
class RecallRepositoryTest {

    @Test
    void notifiableStatusesAreExactlyThoseInWhichTheStateMachineAllowsRecallNotified() {
        Set<String> expected = EnumSet.complementOf(EnumSet.of(RobotStatus.UNRECOGNIZED)).stream()
                .filter(status -> StateMachine.allows(status, EventType.EVENT_TYPE_RECALL_NOTIFIED))
                .map(Enum::name).collect(Collectors.toSet());
        assertThat(expected).isNotEmpty();
        assertThat(RecallRepository.NOTIFIABLE).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theRepositoryNamesNoRobotStatusOfItsOwn() throws IOException {
        // A status literal or constant in the compiled class would be a second definition of the set.
        byte[] bytes;
        try (InputStream in = RecallRepository.class.getResourceAsStream("RecallRepository.class")) {
            bytes = in.readAllBytes();
        }
        String constants = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(Arrays.stream(RobotStatus.values()).map(Enum::name).filter(name -> !name.equals("UNRECOGNIZED"))
                .filter(constants::contains)).as("robot statuses named in RecallRepository").isEmpty();
    }
}
