package io.robotid.certification.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/** A member of the wrong JSON type is named by the JSON type it must have, never by a Java class. */
class ProblemMapperTest {
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"standards\": \"ISO 13482:2014\"}                       | standards                           | must be an array",
            "{\"standards\": {\"first\": \"ISO 13482:2014\"}}          | standards                           | must be an array",
            "{\"standards\": [{\"name\": \"ISO 13482:2014\"}]}         | standards[0]                        | must be a string",
            "{\"subject\": {\"id\": 1}}                                | subject                             | must be a string",
            "{\"conditions\": \"fast\"}                                | conditions                          | must be an object",
            "{\"conditions\": [1]}                                     | conditions                          | must be an object",
            "{\"conditions\": {\"max_speed_m_per_s\": \"fast\"}}       | conditions.max_speed_m_per_s        | must be a number",
            "{\"conditions\": {\"max_payload_kg\": [1]}}               | conditions.max_payload_kg           | must be a number",
            "{\"conditions\": {\"people_nearby_allowed\": \"maybe\"}}  | conditions.people_nearby_allowed    | must be a boolean (true or false)",
            "{\"conditions\": {\"allowed_task_categories\": \"x\"}}    | conditions.allowed_task_categories  | must be an array",
            "{\"validity\": \"2027-01-01T00:00:00Z\"}                  | validity                            | must be an object" })
    void aWrongJsonTypeIsNamedAsAJsonType(String body, String field, String rule) {
        MismatchedInputException e = catchThrowableOfType(MismatchedInputException.class,
                () -> JSON.readValue(body, RestViews.TestResultInput.class));
        assertThat(e).as(body).isNotNull();

        ProblemView problem = (ProblemView) new ProblemMapper().mismatched(e, null).getEntity();

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.reason()).isEqualTo("INVALID_ARGUMENT");
        assertThat(problem.errors()).containsExactly(new ProblemView.Violation(field, rule));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "java.util.ArrayList | an array", "java.util.List | an array",
            "java.util.LinkedHashMap | an object", "java.lang.String | a string", "java.time.Instant | a string",
            "java.lang.Double | a number", "java.lang.Integer | a number", "java.lang.Boolean | a boolean (true or false)",
            "io.robotid.certification.rest.RestViews$ConditionsInput | an object" })
    void everyJavaTargetMapsToAJsonTypeName(String className, String expected) throws ClassNotFoundException {
        assertThat(ProblemMapper.jsonType(Class.forName(className))).isEqualTo(expected);
        assertThat(List.of("a ", "an ")).anyMatch(expected::startsWith);
    }
}
