package io.octoagent.gateway.contract;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The published contract: /q/openapi is a valid OpenAPI 3 document (read by a real OpenAPI
 * parser), and its paths, methods and status codes are exactly those of the README's endpoint
 * table, so neither can drift from the other. Swagger UI is served too.
 */
@QuarkusTest
class OpenApiContractTest {

    private static final Pattern ROW = Pattern.compile("^\\| (GET|POST|PUT|DELETE) \\| `([^`]+)` \\| (.*) \\|(.*)\\|$");
    private static final Pattern CODE = Pattern.compile("(?:^|[;,/]\\s*)([1-5]\\d\\d)\\b");

    private OpenAPI document;
    private SwaggerParseResult parsed;

    @BeforeEach
    void read() {
        String json = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
        parsed = new OpenAPIV3Parser().readContents(json);
        document = parsed.getOpenAPI();
    }

    @Test
    void theDocumentIsValidOpenApi3() {
        assertNotNull(document, "not parsed: " + parsed.getMessages());
        assertTrue(parsed.getMessages() == null || parsed.getMessages().isEmpty(), "parser messages: " + parsed.getMessages());
        assertTrue(document.getOpenapi().startsWith("3."), document.getOpenapi());
        assertNotNull(document.getComponents().getSecuritySchemes().get("bearer"));
        Operation submit = document.getPaths().get("/api/message").getPost();
        assertNotNull(submit.getRequestBody().getContent().get("application/json").getExamples(),
                "the submit operation shows a request example");
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void pathsMethodsAndStatusCodesMatchTheReadmeTable() throws Exception {
        Map<String, Set<String>> readme = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher row = ROW.matcher(line);
            if (!row.matches() || row.group(2).startsWith("/q/")) {
                continue;
            }
            String path = row.group(2).replaceAll("\\?.*", "");
            Set<String> codes = new TreeSet<>();
            for (String column : new String[] {row.group(3), row.group(4)}) {
                Matcher code = CODE.matcher(column.trim());
                while (code.find()) {
                    codes.add(code.group(1));
                }
            }
            readme.put(row.group(1) + " " + path, codes);
        }
        Map<String, Set<String>> published = new TreeMap<>();
        document.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            if (!path.startsWith("/q/")) {
                published.put(method.name().toUpperCase(Locale.ROOT) + " " + path,
                        new TreeSet<>(operation.getResponses().keySet()));
            }
        }));
        assertTrue(readme.size() >= 12, "README table rows found: " + readme.keySet());
        assertEquals(readme, published, "README endpoint table (left) vs /q/openapi (right)");
    }
}
