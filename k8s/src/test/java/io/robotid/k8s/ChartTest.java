package io.robotid.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The chart, linted and rendered by Helm itself (helm-java), and the manifests read with the
 * fabric8 model: what a cluster operator would install, checked against DESIGN.md section 3.
 */
class ChartTest {
    static final Path CHART = Path.of("robotid");
    static final Path PRODUCTION = Path.of("values-production.yaml");
    static final Set<String> ALL = Set.of("filing", "identity", "lifecycle", "certification", "geofence");
    static final Set<String> EXISTING = ALL;

    /** Who calls whom (DESIGN.md section 3, and the references lifecycle checks with filing). */
    static final Set<String> CALL_GRAPH = Set.of(
            "identity->filing", "identity->lifecycle", "identity->certification", "identity->geofence",
            "lifecycle->identity", "lifecycle->filing",
            "certification->filing", "certification->identity", "certification->lifecycle",
            "geofence->lifecycle", "geofence->certification", "geofence->filing");

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    static List<HasMetadata> render(UnaryOperator<TemplateCommand> options) {
        String manifests = options.apply(new Helm(CHART).template().withName("robotid").withNamespace("registry"))
                .call();
        List<HasMetadata> resources = new ArrayList<>();
        for (String document : manifests.split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
                resources.add(YAML.unmarshal(document, HasMetadata.class));
            }
        }
        return resources;
    }

    static List<HasMetadata> defaults() {
        return render(c -> c);
    }

    static List<HasMetadata> production() {
        return render(c -> c.withValuesFile(PRODUCTION));
    }

    static <T extends HasMetadata> List<T> of(List<HasMetadata> resources, Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static String component(HasMetadata resource) {
        return resource.getMetadata().getLabels().get("app.kubernetes.io/component");
    }

    @Test
    void lintsStrictlyAndRendersWithDefaultAndProductionValues() {
        LintResult defaults = new Helm(CHART).lint().strict().call();
        assertThat(defaults.isFailed()).as(String.join("\n", defaults.getMessages())).isFalse();
        // helm-java's lint takes no values file; production values are rendered (and schema-checked) below.
        assertThat(production()).isNotEmpty();
    }

    @Test
    void defaultValuesInstallTheServicesThatExist() {
        List<HasMetadata> resources = defaults();
        for (Class<? extends HasMetadata> kind : List.of(Deployment.class, Service.class, ServiceAccount.class,
                PodDisruptionBudget.class)) {
            assertThat(of(resources, kind)).extracting(ChartTest::component).as(kind.getSimpleName())
                    .containsExactlyInAnyOrderElementsOf(EXISTING);
        }
        assertThat(of(resources, HorizontalPodAutoscaler.class)).extracting(ChartTest::component)
                .containsExactlyInAnyOrder("lifecycle", "geofence");
        assertThat(resources).noneMatch(r -> r instanceof GenericKubernetesResource);
    }

    @Test
    void productionValuesInstallEveryServiceWithAutoscalingWhereAskedAndCloudNativePg() {
        List<HasMetadata> resources = production();
        assertThat(of(resources, Deployment.class)).extracting(ChartTest::component)
                .containsExactlyInAnyOrderElementsOf(ALL);
        assertThat(of(resources, HorizontalPodAutoscaler.class)).extracting(ChartTest::component)
                .containsExactlyInAnyOrder("lifecycle", "geofence");
        for (Deployment d : of(resources, Deployment.class)) {
            boolean scaled = Set.of("lifecycle", "geofence").contains(component(d));
            assertThat(d.getSpec().getReplicas()).as(component(d)).isEqualTo(scaled ? null : 3);
        }
        List<GenericKubernetesResource> cnpg = of(resources, GenericKubernetesResource.class);
        assertThat(cnpg).filteredOn(r -> r.getKind().equals("Cluster")).hasSize(1);
        assertThat(cnpg).filteredOn(r -> r.getKind().equals("Database")).hasSize(5)
                .extracting(r -> String.valueOf(((Map<?, ?>) r.getAdditionalProperties().get("spec")).get("name")))
                .containsExactlyInAnyOrder("robotid_filing", "robotid_identity", "robotid_lifecycle",
                        "robotid_certification", "robotid_geofence");
        Deployment filing = of(resources, Deployment.class).stream().filter(d -> component(d).equals("filing"))
                .findFirst().orElseThrow();
        Map<String, EnvVar> env = env(filing.getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(env.get("ROBOTID_DB_HOST").getValue()).isEqualTo("robotid-db-rw");
        assertThat(env.get("ROBOTID_DB_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("robotid-db-app");
        assertThat(env.get("ROBOTID_OTLP_ENDPOINT").getValue()).startsWith("http://otel-collector");
    }

    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    void everyPodIsHardenedAndProbedOnRealHealthPaths(boolean productionValues) {
        List<HasMetadata> resources = productionValues ? production() : defaults();
        for (Deployment deployment : of(resources, Deployment.class)) {
            var pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getServiceAccountName()).isEqualTo(deployment.getMetadata().getName());
            for (Container container : pod.getContainers()) {
                var security = container.getSecurityContext();
                assertThat(security.getReadOnlyRootFilesystem()).isTrue();
                assertThat(security.getAllowPrivilegeEscalation()).isFalse();
                assertThat(security.getPrivileged()).isFalse();
                assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(path(container.getStartupProbe())).isEqualTo("/q/health/started");
                assertThat(path(container.getLivenessProbe())).isEqualTo("/q/health/live");
                assertThat(path(container.getReadinessProbe())).isEqualTo("/q/health/ready");
                assertThat(container.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                        .containsExactly("http:8080");
                assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
                assertThat(container.getImage()).endsWith("/" + component(deployment) + "-service:0.1.0");
            }
        }
    }

    @Test
    void everyServiceSizesItsHeapFromItsContainerLimitWithAMemoryLimitSet() {
        for (Deployment d : of(production(), Deployment.class)) {
            var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getResources().getLimits()).as(component(d)).containsKey("memory");
            String options = container.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).findFirst()
                    .orElseThrow().getValue();
            assertThat(options).as(component(d)).contains("-XX:MaxRAMPercentage=").contains("-XX:+UseSerialGC")
                    .contains("-XX:+ExitOnOutOfMemoryError").doesNotContain("-Xmx");
            assertThat(container.getEnv()).as(component(d) + ": glibc's malloc arenas bounded")
                    .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("MALLOC_ARENA_MAX=2"));
        }
    }

    @Test
    void selectorsMatchLabelsAndEveryResourceCarriesTheStandardLabels() {
        List<HasMetadata> resources = production();
        for (HasMetadata resource : resources) {
            assertThat(resource.getMetadata().getLabels()).as(resource.getKind() + " " + resource.getMetadata().getName())
                    .containsKeys("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/part-of",
                            "app.kubernetes.io/managed-by");
        }
        // pod labels of every workload (the services' Deployments, the witnesses' StatefulSets), by name
        Map<String, Map<String, String>> podLabels = new java.util.HashMap<>();
        for (Deployment d : of(resources, Deployment.class)) {
            podLabels.put(d.getMetadata().getName(), d.getSpec().getTemplate().getMetadata().getLabels());
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        }
        for (StatefulSet w : of(resources, StatefulSet.class)) {
            podLabels.put(w.getMetadata().getName(), w.getSpec().getTemplate().getMetadata().getLabels());
            assertThat(w.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(w.getSpec().getSelector().getMatchLabels());
        }
        assertThat(podLabels).hasSize(8); // five services, three witnesses
        for (Service s : of(resources, Service.class)) {
            assertThat(podLabels.get(s.getMetadata().getName())).as(s.getMetadata().getName())
                    .containsAllEntriesOf(s.getSpec().getSelector());
            assertThat(s.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort()).containsExactly("http:8080");
            // no other workload's pods are selected
            podLabels.forEach((other, labels) -> {
                if (!other.equals(s.getMetadata().getName())) {
                    assertThat(labels.entrySet().containsAll(s.getSpec().getSelector().entrySet())).as(other).isFalse();
                }
            });
        }
        for (PodDisruptionBudget pdb : of(resources, PodDisruptionBudget.class)) {
            assertThat(podLabels.get(pdb.getMetadata().getName())).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        }
        for (HorizontalPodAutoscaler hpa : of(resources, HorizontalPodAutoscaler.class)) {
            assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("robotid-" + component(hpa));
        }
    }

    @Test
    void networkPoliciesDenyByDefaultAndAllowExactlyTheCallGraph() {
        List<HasMetadata> resources = production();
        List<NetworkPolicy> policies = of(resources, NetworkPolicy.class);
        NetworkPolicy deny = policies.stream().filter(p -> p.getMetadata().getName().endsWith("default-deny"))
                .findFirst().orElseThrow();
        assertThat(deny.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(deny.getSpec().getIngress()).isNullOrEmpty();
        assertThat(deny.getSpec().getEgress()).isNullOrEmpty();

        Set<String> ingressEdges = new HashSet<>();
        Set<String> egressEdges = new HashSet<>();
        for (NetworkPolicy policy : policies) {
            if (policy == deny) {
                continue;
            }
            String target = policy.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/component");
            if (!isService(target)) {
                continue; // the witnesses' policy: witnessesAreReachedOnlyByTheServices
            }
            policy.getSpec().getIngress().forEach(rule -> rule.getFrom().stream().map(ChartTest::peerComponent)
                    .filter(p -> p != null).forEach(from -> ingressEdges.add(from + "->" + target)));
            policy.getSpec().getEgress().forEach(rule -> rule.getTo().stream().map(ChartTest::peerComponent)
                    .filter(ChartTest::isService).forEach(to -> egressEdges.add(target + "->" + to)));
        }
        assertThat(ingressEdges).containsExactlyInAnyOrderElementsOf(CALL_GRAPH);
        assertThat(egressEdges).containsExactlyInAnyOrderElementsOf(CALL_GRAPH);

        // With a service disabled, its edges go with it.
        Set<String> existingEdges = new HashSet<>();
        for (NetworkPolicy policy : of(render(c -> c.set("services.geofence.enabled", "false")), NetworkPolicy.class)) {
            if (policy.getSpec().getPodSelector().getMatchLabels().containsKey("app.kubernetes.io/component")) {
                String target = policy.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/component");
                policy.getSpec().getIngress().forEach(rule -> rule.getFrom().stream().map(ChartTest::peerComponent)
                        .filter(p -> p != null).forEach(from -> existingEdges.add(from + "->" + target)));
            }
        }
        assertThat(existingEdges).containsExactlyInAnyOrder("identity->filing", "identity->lifecycle",
                "identity->certification", "lifecycle->identity", "lifecycle->filing", "certification->filing",
                "certification->identity", "certification->lifecycle");
    }

    @Test
    void noSecretValueIsRenderedInPlainText() {
        for (List<HasMetadata> resources : List.of(defaults(), production())) {
            assertThat(resources).noneMatch(r -> r.getKind().equals("Secret") || r.getKind().equals("ConfigMap"));
            List<PodTemplateSpec> pods = new ArrayList<>();
            of(resources, Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate()));
            of(resources, StatefulSet.class).forEach(w -> pods.add(w.getSpec().getTemplate()));
            for (PodTemplateSpec pod : pods) {
                for (EnvVar var : pod.getSpec().getContainers().get(0).getEnv()) {
                    // (ROBOTID_TLOG_GENERATE_KEY is the switch that forbids generating a key, not a key)
                    if (var.getName().matches(".*(PASSWORD|USER|SECRET|TOKEN|KEY)$") && !var.getName().endsWith("GENERATE_KEY")) {
                        assertThat(var.getValue()).as(var.getName()).isNull();
                        assertThat(var.getValueFrom().getSecretKeyRef()).as(var.getName()).isNotNull();
                    }
                }
            }
        }
        for (List<HasMetadata> resources : List.of(defaults(), production())) {
            Deployment certification = of(resources, Deployment.class).stream()
                    .filter(d -> component(d).equals("certification")).findFirst().orElseThrow();
            Map<String, EnvVar> env = env(certification.getSpec().getTemplate().getSpec().getContainers().get(0));
            assertThat(env.get("ROBOTID_REGISTRY_CLIENT_ID").getValue()).isEqualTo("robotid-registry-service");
            assertThat(env.get("ROBOTID_REGISTRY_CLIENT_SECRET").getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo("robotid-registry-client");
        }
        Deployment identity = of(defaults(), Deployment.class).stream().filter(d -> component(d).equals("identity"))
                .findFirst().orElseThrow();
        assertThat(identity.getSpec().getTemplate().getSpec().getVolumes())
                .anyMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().equals("robotid-identity-signing-keys"));
        assertThat(env(identity.getSpec().getTemplate().getSpec().getContainers().get(0)).get("ROBOTID_SIGNING_GENERATE")
                .getValue()).isEqualTo("false");
        assertThat(env(identity.getSpec().getTemplate().getSpec().getContainers().get(0)).get("ROBOTID_PUBLIC_BASE_URL")
                .getValue()).isEqualTo("https://robots.example.org");
        // geofence signs receipts and bundles with its own keys, never identity's
        Deployment geofence = of(defaults(), Deployment.class).stream().filter(d -> component(d).equals("geofence"))
                .findFirst().orElseThrow();
        assertThat(geofence.getSpec().getTemplate().getSpec().getVolumes())
                .anyMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().equals("robotid-geofence-signing-keys"))
                .noneMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().equals("robotid-identity-signing-keys"));
        Map<String, EnvVar> geofenceEnv = env(geofence.getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(geofenceEnv.get("ROBOTID_GEOFENCE_SIGNING_GENERATE").getValue()).isEqualTo("false");
        assertThat(geofenceEnv.get("ROBOTID_REGISTRY_CLIENT_SECRET").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("robotid-registry-client");
    }

    static final String POLICY = "robotid-tlog-policy";
    static final List<String> WITNESSES = List.of("witness-1", "witness-2", "witness-3");

    /** Default values with the release's witnesses on (they need a policy file). */
    static List<HasMetadata> withWitnesses(UnaryOperator<TemplateCommand> more) {
        return render(c -> more.apply(c.set("witnesses.enabled", "true").set("transparencyLog.policyConfigMap", POLICY)));
    }

    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    void everyServiceKeepsATransparencyLogWithItsOwnMountedKeyNeverAGeneratedOne(boolean productionValues) {
        List<HasMetadata> resources = productionValues ? production() : defaults();
        String prefix = productionValues ? "registry.example.com/robotid" : "registry.example/robotid";
        assertThat(of(resources, Deployment.class)).extracting(ChartTest::component).containsExactlyInAnyOrderElementsOf(ALL);
        for (Deployment d : of(resources, Deployment.class)) {
            String key = component(d);
            var pod = d.getSpec().getTemplate().getSpec();
            Container container = pod.getContainers().get(0);
            Map<String, EnvVar> env = env(container);
            assertThat(env.get("ROBOTID_TLOG_ORIGIN").getValue()).as(key).isEqualTo(prefix + "/" + key);
            assertThat(env.get("ROBOTID_TLOG_GENERATE_KEY").getValue()).as(key).isEqualTo("false");
            String keyFile = env.get("ROBOTID_TLOG_KEY_FILE").getValue();
            assertThat(keyFile).as(key).isEqualTo("/etc/robotid/tlog-key/" + key + ".key");

            // the Secret's key of this service only, read-only, readable through the pod's fsGroup
            Volume keys = volume(pod.getVolumes(), "tlog-key");
            assertThat(keys.getSecret().getSecretName()).isEqualTo("robotid-tlog-keys");
            assertThat(keys.getSecret().getItems()).extracting(i -> i.getKey() + "=" + i.getPath())
                    .containsExactly(key + ".key=" + key + ".key");
            assertThat(keys.getSecret().getDefaultMode()).isEqualTo(0400);
            VolumeMount keyMount = mount(container, "tlog-key");
            assertThat(keyMount.getReadOnly()).isTrue();
            assertThat(keyFile).startsWith(keyMount.getMountPath() + "/");
            assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(10001L);

            if (productionValues) {
                assertThat(env.get("ROBOTID_TLOG_POLICY_FILE").getValue()).isEqualTo("/etc/robotid/tlog-policy/tlog-policy");
                Volume policy = volume(pod.getVolumes(), "tlog-policy");
                assertThat(policy.getConfigMap().getName()).isEqualTo(POLICY);
                assertThat(policy.getConfigMap().getItems()).extracting(i -> i.getKey() + "=" + i.getPath())
                        .containsExactly("tlog-policy=tlog-policy");
                assertThat(mount(container, "tlog-policy").getReadOnly()).isTrue();
                assertThat(mount(container, "tlog-policy").getMountPath()).isEqualTo("/etc/robotid/tlog-policy");
            } else {
                // no policy: checkpoints signed by the log alone
                assertThat(env).doesNotContainKey("ROBOTID_TLOG_POLICY_FILE");
                assertThat(pod.getVolumes()).noneMatch(v -> v.getName().equals("tlog-policy"));
            }
        }
    }

    @Test
    void noWitnessIsInstalledByDefault() {
        List<HasMetadata> resources = defaults();
        assertThat(of(resources, StatefulSet.class)).isEmpty();
        assertThat(of(resources, PersistentVolumeClaim.class)).isEmpty();
        assertThat(resources).noneMatch(r -> "witness".equals(component(r)));
        assertThat(resources).noneMatch(r -> r.getMetadata().getName().contains("witness"));
        for (NetworkPolicy policy : of(resources, NetworkPolicy.class)) {
            if (policy.getSpec().getEgress() != null) {
                policy.getSpec().getEgress().forEach(rule -> assertThat(rule.getTo() == null ? List.<NetworkPolicyPeer>of()
                        : rule.getTo()).noneMatch(peer -> "witness".equals(peerComponent(peer))));
            }
        }
    }

    @Test
    void witnessesEachRunOneReplicaWithTheirOwnVolumeKeyAndTrustedLogs() {
        for (boolean productionValues : List.of(false, true)) {
            List<HasMetadata> resources = productionValues ? production() : withWitnesses(c -> c);
            List<StatefulSet> witnesses = of(resources, StatefulSet.class);
            assertThat(witnesses).extracting(w -> w.getMetadata().getName())
                    .containsExactlyInAnyOrder("robotid-witness-1", "robotid-witness-2", "robotid-witness-3");
            for (StatefulSet w : witnesses) {
                String name = w.getMetadata().getName().substring("robotid-".length());
                assertThat(component(w)).isEqualTo("witness");
                assertThat(w.getSpec().getReplicas()).as(name).isEqualTo(1);
                assertThat(w.getSpec().getServiceName()).isEqualTo(w.getMetadata().getName());

                // its own volume for its state
                assertThat(w.getSpec().getVolumeClaimTemplates()).hasSize(1);
                PersistentVolumeClaim claim = w.getSpec().getVolumeClaimTemplates().get(0);
                assertThat(claim.getMetadata().getName()).isEqualTo("state");
                // claim templates never change after creation: no label that an upgrade would change
                assertThat(claim.getMetadata().getLabels()).doesNotContainKeys("app.kubernetes.io/version", "helm.sh/chart");
                assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
                assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("1Gi");
                assertThat(claim.getSpec().getStorageClassName()).isEqualTo(productionValues ? "fast-ssd" : null);

                var pod = w.getSpec().getTemplate().getSpec();
                assertThat(pod.getAutomountServiceAccountToken()).isFalse();
                assertThat(pod.getServiceAccountName()).isEqualTo(w.getMetadata().getName());
                assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
                assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
                assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(10001L);
                assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
                assertThat(pod.getContainers()).hasSize(1);
                Container container = pod.getContainers().get(0);
                assertThat(container.getImage()).isEqualTo(
                        (productionValues ? "registry.example.com/robotid" : "ghcr.io/robotid") + "/witness:0.1.0");
                var security = container.getSecurityContext();
                assertThat(security.getReadOnlyRootFilesystem()).isTrue();
                assertThat(security.getAllowPrivilegeEscalation()).isFalse();
                assertThat(security.getPrivileged()).isFalse();
                assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(path(container.getReadinessProbe())).isEqualTo("/healthz");
                assertThat(path(container.getLivenessProbe())).isEqualTo("/healthz");
                assertThat(path(container.getStartupProbe())).isEqualTo("/healthz");
                assertThat(container.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                        .containsExactly("http:8080");
                assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
                assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");

                Map<String, EnvVar> env = env(container);
                assertThat(env.get("WITNESS_PORT").getValue()).isEqualTo("8080");
                assertThat(env.get("WITNESS_STATE_DIR").getValue())
                        .startsWith(mount(container, "state").getMountPath() + "/");
                assertThat(mount(container, "state").getReadOnly()).isNotEqualTo(Boolean.TRUE);
                assertThat(env.get("WITNESS_KEY_FILE").getValue()).isEqualTo("/etc/robotid/witness-key/" + name + ".key")
                        .startsWith(mount(container, "witness-key").getMountPath() + "/");
                assertThat(mount(container, "witness-key").getReadOnly()).isTrue();
                Volume key = volume(pod.getVolumes(), "witness-key");
                assertThat(key.getSecret().getSecretName()).isEqualTo("robotid-witness-keys");
                assertThat(key.getSecret().getItems()).extracting(i -> i.getKey() + "=" + i.getPath())
                        .containsExactly(name + ".key=" + name + ".key");
                assertThat(key.getSecret().getDefaultMode()).isEqualTo(0400);
                assertThat(env.get("WITNESS_LOGS").getValue()).isEqualTo("/etc/robotid/witness-logs/logs");
                assertThat(mount(container, "witness-logs").getReadOnly()).isTrue();
                Volume logs = volume(pod.getVolumes(), "witness-logs");
                assertThat(logs.getConfigMap().getName()).isEqualTo("robotid-witness-logs");
                assertThat(logs.getConfigMap().getItems()).extracting(i -> i.getKey() + "=" + i.getPath())
                        .containsExactly("logs=logs");
                assertThat(mount(container, "tmp").getMountPath()).isEqualTo("/tmp");
            }
            // a Service per witness, selecting that witness's pod only
            List<Service> services = of(resources, Service.class).stream().filter(s -> "witness".equals(component(s))).toList();
            assertThat(services).extracting(s -> s.getMetadata().getName())
                    .containsExactlyInAnyOrder("robotid-witness-1", "robotid-witness-2", "robotid-witness-3");
            for (Service service : services) {
                for (StatefulSet w : witnesses) {
                    boolean selected = w.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                            .containsAll(service.getSpec().getSelector().entrySet());
                    assertThat(selected).as(service.getMetadata().getName() + " selects " + w.getMetadata().getName())
                            .isEqualTo(w.getMetadata().getName().equals(service.getMetadata().getName()));
                }
            }
            assertThat(of(resources, ServiceAccount.class)).filteredOn(a -> "witness".equals(component(a)))
                    .hasSize(3).allMatch(a -> Boolean.FALSE.equals(a.getAutomountServiceAccountToken()));
        }
        // other names, another storage class, another size
        List<HasMetadata> custom = withWitnesses(c -> c.set("witnesses.instances[0]", "regulator-mirror")
                .set("witnesses.storageClass", "standard").set("witnesses.storageSize", "2Gi"));
        assertThat(of(custom, StatefulSet.class)).singleElement().satisfies(w -> {
            assertThat(w.getMetadata().getName()).isEqualTo("robotid-regulator-mirror");
            assertThat(w.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName()).isEqualTo("standard");
            assertThat(w.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage")
                    .toString()).isEqualTo("2Gi");
        });
    }

    @Test
    void witnessesAreReachedOnlyByTheServicesAndTheServicesReachThem() {
        for (List<HasMetadata> resources : List.of(withWitnesses(c -> c), production())) {
            List<NetworkPolicy> policies = of(resources, NetworkPolicy.class);
            NetworkPolicy deny = policies.stream().filter(p -> p.getMetadata().getName().endsWith("default-deny"))
                    .findFirst().orElseThrow();
            NetworkPolicy witnesses = policies.stream().filter(p -> p.getMetadata().getName().equals("robotid-witnesses"))
                    .findFirst().orElseThrow();
            for (StatefulSet w : of(resources, StatefulSet.class)) {
                Map<String, String> labels = w.getSpec().getTemplate().getMetadata().getLabels();
                // denied by default, then let in by the witnesses' policy
                assertThat(labels).containsAllEntriesOf(deny.getSpec().getPodSelector().getMatchLabels());
                assertThat(labels).containsAllEntriesOf(witnesses.getSpec().getPodSelector().getMatchLabels());
            }
            assertThat(witnesses.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(witnesses.getSpec().getEgress()).isNullOrEmpty(); // a witness calls no one
            Set<String> from = new HashSet<>();
            witnesses.getSpec().getIngress().forEach(rule -> {
                assertThat(rule.getPorts()).extracting(p -> p.getPort().getStrVal()).containsExactly("http");
                rule.getFrom().forEach(peer -> {
                    assertThat(peer.getNamespaceSelector()).isNull();
                    assertThat(peer.getIpBlock()).isNull();
                    from.add(peerComponent(peer));
                });
            });
            assertThat(from).containsExactlyInAnyOrderElementsOf(ALL);

            // every service may reach the witnesses, on their port
            for (NetworkPolicy policy : policies) {
                String target = policy.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/component");
                if (!isService(target)) {
                    continue;
                }
                assertThat(policy.getSpec().getEgress()).as(target).anySatisfy(rule -> {
                    assertThat(rule.getTo()).extracting(ChartTest::peerComponent).containsExactly("witness");
                    assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(8080);
                });
            }
        }
        // monitors, when asked for
        NetworkPolicy monitored = of(withWitnesses(c -> c.set(
                "witnesses.ingressFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name", "monitoring")),
                NetworkPolicy.class).stream().filter(p -> p.getMetadata().getName().equals("robotid-witnesses"))
                .findFirst().orElseThrow();
        assertThat(monitored.getSpec().getIngress().stream().flatMap(rule -> rule.getFrom().stream())
                .filter(peer -> peer.getNamespaceSelector() != null)).singleElement()
                .satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .containsEntry("kubernetes.io/metadata.name", "monitoring"));
        // no NetworkPolicies at all when they are off
        assertThat(of(withWitnesses(c -> c.set("networkPolicy.enabled", "false")), NetworkPolicy.class)).isEmpty();
    }

    @Test
    void externalWitnessesAreReachedThroughWitnessEgressWhenThereIsAPolicy() {
        String cidr = "203.0.113.10/32";
        UnaryOperator<TemplateCommand> external = c -> c.set("networkPolicy.witnessEgress[0].to[0].ipBlock.cidr", cidr)
                .set("networkPolicy.witnessEgress[0].ports[0].port", 8443);
        for (boolean withPolicy : List.of(true, false)) {
            List<HasMetadata> resources = render(c -> {
                TemplateCommand t = external.apply(c);
                return withPolicy ? t.set("transparencyLog.policyConfigMap", POLICY) : t;
            });
            List<NetworkPolicy> services = of(resources, NetworkPolicy.class).stream().filter(p -> isService(
                    p.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/component"))).toList();
            assertThat(services).hasSize(5);
            for (NetworkPolicy policy : services) {
                boolean allowed = policy.getSpec().getEgress().stream().anyMatch(rule -> rule.getTo() != null
                        && rule.getTo().stream().anyMatch(p -> p.getIpBlock() != null && cidr.equals(p.getIpBlock().getCidr()))
                        && rule.getPorts().stream().anyMatch(p -> Integer.valueOf(8443).equals(p.getPort().getIntVal())));
                assertThat(allowed).as(policy.getMetadata().getName() + ", policy file " + withPolicy).isEqualTo(withPolicy);
            }
            assertThat(of(resources, StatefulSet.class)).isEmpty(); // external witnesses only
        }
    }

    @Test
    void witnessesWithoutAPolicyFileAreRefused() {
        assertThatThrownBy(() -> render(c -> c.set("witnesses.enabled", "true")))
                .hasMessageContaining("transparencyLog.policyConfigMap");
    }

    @Test
    void theSchemaRefusesWrongValues() {
        for (Map.Entry<String, Object> wrong : List.<Map.Entry<String, Object>>of(
                Map.entry("serviceDefaults.replicas", 0),
                Map.entry("database.mode", "mysql"),
                Map.entry("database.external.port", 70000),
                Map.entry("database.external.password", "hunter2"),
                Map.entry("oidc.issuer", "not a url"),
                Map.entry("image.tag", "bad tag!"),
                Map.entry("services.geofence.calls[0]", "billing"),
                Map.entry("services.lifecycle.autoscaling.targetCPUUtilizationPercentage", 150),
                Map.entry("services.filing.database", "Robot-ID"),
                Map.entry("unknownTopLevel", true),
                Map.entry("transparencyLog.generateKey", true),
                Map.entry("transparencyLog.originPrefix", "https://registry.example/robotid/"),
                Map.entry("transparencyLog.keysSecret", ""),
                Map.entry("witnesses.replicas", 2),
                Map.entry("witnesses.instances[0]", "Witness_1"),
                Map.entry("witnesses.instances[0]", "lifecycle"),
                Map.entry("witnesses.storageSize", "lots"),
                Map.entry("witnesses.resources.limits.gpu", 1),
                Map.entry("networkPolicy.witnessEgress", 443),
                Map.entry("logs.json", "yes"),
                Map.entry("feeds.maxLag", "soon"),
                Map.entry("metrics.serviceMonitor.interval", "often"),
                Map.entry("metrics.prometheusRule.checkP99Seconds", -1),
                Map.entry("metrics.dashboard.folder", "robotid"))) {
            assertThatThrownBy(() -> render(c -> c.set(wrong.getKey(), wrong.getValue())))
                    .as(wrong.getKey() + "=" + wrong.getValue()).hasMessageContaining("schema");
        }
    }

    static List<HasMetadata> monitored() {
        return render(c -> c.set("metrics.serviceMonitor.enabled", "true").set("metrics.prometheusRule.enabled", "true")
                .set("metrics.dashboard.enabled", "true").set("metrics.serviceMonitor.labels.release", "kube-prometheus-stack")
                .set("metrics.prometheusRule.feedLagSeconds", "120"));
    }

    @Test
    void noMonitoringObjectIsRenderedByDefault() {
        List<HasMetadata> resources = defaults();
        assertThat(resources).noneMatch(r -> Set.of("ServiceMonitor", "PrometheusRule").contains(r.getKind()));
        assertThat(resources).noneMatch(r -> r.getMetadata().getName().endsWith("-dashboard"));
        // JSON logs are on in a cluster; plain text stays the local run's default
        for (Deployment d : of(resources, Deployment.class)) {
            assertThat(env(d.getSpec().getTemplate().getSpec().getContainers().get(0)).get("QUARKUS_LOG_CONSOLE_JSON_ENABLED")
                    .getValue()).as(component(d)).isEqualTo("true");
        }
        assertThat(render(c -> c.set("logs.json", "false")).stream().filter(Deployment.class::isInstance)
                .map(d -> env(((Deployment) d).getSpec().getTemplate().getSpec().getContainers().get(0))
                        .get("QUARKUS_LOG_CONSOLE_JSON_ENABLED").getValue())).containsOnly("false");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aServiceMonitorPerServiceScrapesItsMetricsPathOnItsHttpPort() {
        List<HasMetadata> resources = monitored();
        List<GenericKubernetesResource> monitors = of(resources, GenericKubernetesResource.class).stream()
                .filter(r -> r.getKind().equals("ServiceMonitor")).toList();
        assertThat(monitors).extracting(ChartTest::component).containsExactlyInAnyOrderElementsOf(ALL);
        for (GenericKubernetesResource m : monitors) {
            assertThat(m.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
            assertThat(m.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
            Map<String, Object> spec = (Map<String, Object>) m.getAdditionalProperties().get("spec");
            Map<String, Object> labels = (Map<String, Object>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
            // the selector picks exactly the Service of this component, whose port is named http
            Service service = of(resources, Service.class).stream().filter(x -> component(x).equals(component(m))).findFirst()
                    .orElseThrow();
            assertThat(service.getMetadata().getLabels()).containsAllEntriesOf((Map) labels);
            assertThat(of(resources, Service.class)).filteredOn(x -> x.getMetadata().getLabels().entrySet()
                    .containsAll(labels.entrySet())).hasSize(1);
            assertThat(service.getSpec().getPorts()).extracting(pt -> pt.getName()).contains("http");
            Map<String, Object> endpoint = ((List<Map<String, Object>>) spec.get("endpoints")).get(0);
            assertThat(endpoint).containsEntry("port", "http").containsEntry("path", "/q/metrics").containsEntry("interval", "30s");
        }
        // Prometheus may reach each service's http port through the network policies
        for (NetworkPolicy policy : of(resources, NetworkPolicy.class)) {
            if (isService(component(policy))) {
                assertThat(policy.getSpec().getIngress()).as(component(policy)).anyMatch(rule -> rule.getFrom().stream()
                        .anyMatch(peer -> peer.getNamespaceSelector() != null && "monitoring".equals(
                                peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"))));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePrometheusRuleHasTheAlertsThatMatterWithTheThresholdsOfTheValues() {
        GenericKubernetesResource rule = of(monitored(), GenericKubernetesResource.class).stream()
                .filter(r -> r.getKind().equals("PrometheusRule")).findFirst().orElseThrow();
        List<Map<String, Object>> groups = (List<Map<String, Object>>) ((Map<String, Object>) rule.getAdditionalProperties()
                .get("spec")).get("groups");
        Map<String, String> exprs = new java.util.LinkedHashMap<>();
        for (Map<String, Object> group : groups) {
            for (Map<String, Object> r : (List<Map<String, Object>>) group.get("rules")) {
                exprs.put((String) r.get("alert"), String.valueOf(r.get("expr")));
                assertThat((Map<String, Object>) r.get("labels")).containsKey("severity");
                assertThat((Map<String, Object>) r.get("annotations")).containsKeys("summary", "description");
            }
        }
        assertThat(exprs).containsKeys("RobotidServiceDown", "RobotidServiceNotReady", "RobotidFeedLagging",
                "RobotidDenialsWaiting", "RobotidDenialsDropped", "RobotidCheckLatencyHigh", "RobotidWitnessQuorumMissed",
                "RobotidWitnessFailing", "RobotidSigningKeyNearRotation");
        assertThat(exprs.get("RobotidFeedLagging")).contains("robotid_feed_lag_seconds").endsWith("> 120");
        assertThat(exprs.get("RobotidCheckLatencyHigh")).contains("robotid_permission_checks_seconds_bucket").endsWith("> 0.05");
        assertThat(exprs.get("RobotidSigningKeyNearRotation")).endsWith("> 28944000"); // 335 days
        // every alert is about this release's services only, and no Go template is left unrendered
        String services = "robotid-(filing|identity|lifecycle|certification|geofence)";
        assertThat(exprs.values()).allMatch(e -> e.contains("job=~\"" + services + "\", namespace=\"registry\"")
                || e.contains("pod=~\"" + services + "-[a-z0-9]+-[a-z0-9]+\", namespace=\"registry\"")).noneMatch(e -> e.contains("{{"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDashboardIsValidJsonInAConfigMapTheGrafanaSidecarLoads() throws Exception {
        io.fabric8.kubernetes.api.model.ConfigMap dashboard = of(monitored(), io.fabric8.kubernetes.api.model.ConfigMap.class)
                .stream().filter(c -> c.getMetadata().getName().equals("robotid-dashboard")).findFirst().orElseThrow();
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        Map<String, Object> json = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                dashboard.getData().get("robotid.json"), Map.class);
        assertThat(json).containsEntry("uid", "robotid-registry");
        List<Map<String, Object>> panels = (List<Map<String, Object>>) json.get("panels");
        List<String> titles = panels.stream().map(p -> (String) p.get("title")).toList();
        assertThat(titles).contains("Permission checks per second by verdict", "Permission check latency p50 / p99",
                "IDs issued and events appended per second", "Feed lag per follower",
                "Denials waiting to be written, written and dropped", "JVM memory used per service");
        for (Map<String, Object> panel : panels) {
            assertThat((List<Map<String, Object>>) panel.get("targets")).as((String) panel.get("title"))
                    .isNotEmpty().allMatch(t -> !String.valueOf(t.get("expr")).isBlank());
        }
    }

    /** One of the five services (Set.of refuses to be asked about null). */
    private static boolean isService(String component) {
        return component != null && ALL.contains(component);
    }

    private static String peerComponent(NetworkPolicyPeer peer) {
        if (peer.getPodSelector() == null || peer.getNamespaceSelector() != null) {
            return null;
        }
        return peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/component");
    }

    private static String path(Probe probe) {
        assertThat(probe).isNotNull();
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
        return probe.getHttpGet().getPath();
    }

    private static Volume volume(List<Volume> volumes, String name) {
        return volumes.stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static VolumeMount mount(Container container, String name) {
        return container.getVolumeMounts().stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mount " + name));
    }

    private static Map<String, EnvVar> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, v -> v));
    }
}
