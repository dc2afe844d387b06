package io.robotid.lifecycle.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.robotid.evidence.tlog.NoteKey;
import io.robotid.evidence.tlog.NoteSigner;
import io.robotid.evidence.tlog.WitnessPolicy;
import io.robotid.testkit.WitnessProcess;

/**
 * Three real witness processes that trust lifecycle-service's log, and a c2sp.org/tlog-policy of that log
 * and those witnesses with a quorum of two, which lifecycle-service (under test, in-process) submits its
 * checkpoints by. The registry processes come from {@link RegistryProcesses}, which every test class of
 * this module has (a second copy of them would share their ports and databases).
 */
public class Witnesses implements io.quarkus.test.common.QuarkusTestResourceLifecycleManager {
    public static final String ORIGIN = "robotid.test/lifecycle";
    public static final int FIRST_WITNESS_PORT = 18121;
    public static final Path DIRECTORY = Path.of("target", "tlog-it").toAbsolutePath();
    public static final List<WitnessProcess> WITNESSES = new ArrayList<>();
    public static NoteSigner logKey;
    public static WitnessPolicy policy;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        try {
            if (Files.exists(DIRECTORY)) {
                try (var files = Files.walk(DIRECTORY)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(DIRECTORY);
            logKey = NoteSigner.generate(ORIGIN, NoteKey.ED25519);
            Path keyFile = DIRECTORY.resolve("log.key");
            Files.writeString(keyFile, logKey.privateKey() + "\n");
            List<WitnessPolicy.Witness> listed = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                WitnessProcess w = WitnessProcess.start("witness-" + i + ".robotid.test", FIRST_WITNESS_PORT + i - 1,
                        DIRECTORY.resolve("witness-" + i), List.of(logKey.verifierKey()));
                WITNESSES.add(w);
                listed.add(new WitnessPolicy.Witness("w" + i, w.key(), Optional.of(w.url())));
            }
            String text = WitnessPolicy.format(List.of(new WitnessPolicy.Log(logKey.verifierKey(), Optional.empty())), listed, 2);
            Path policyFile = DIRECTORY.resolve("tlog-policy");
            Files.writeString(policyFile, text);
            policy = WitnessPolicy.parse(text);
            config.put("robotid.tlog.origin", ORIGIN);
            config.put("robotid.tlog.key-file", keyFile.toString());
            config.put("robotid.tlog.generate-key", "false");
            config.put("robotid.tlog.policy-file", policyFile.toString());
            // a witness brought back is asked again within a second (30 s in production)
            config.put("robotid.tlog.witness-max-backoff", "1s");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void stop() {
        WITNESSES.forEach(WitnessProcess::close);
        WITNESSES.clear();
    }
}
