package io.promeshard.agent.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.ObjectHandler;
import com.github.mustachejava.reflect.ReflectionObjectHandler;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MapScopesTest {
  /** Plain and dotted names, names of outer scopes, sections on strings and booleans, misses. */
  private static final String TEMPLATE =
      "{{job}}{{group}}:{{#groups}}<{{#targets}}{{value}}{{^last}},{{/last}}{{job}}{{/targets}}"
          + "{{#labels}}{{name}}={{value}}{{#first}}^{{/first}}{{first}}{{/labels}}"
          + "{{labels.size}}{{targets.0.value}}{{missing}}>{{/groups}}"
          + "{{#rules}}{{record}}{{#expr}}[{{length}}|{{expr}}|{{.}}]{{/expr}}{{/rules}}"
          + "{{#interval}}{{interval}}{{bytes.length}}{{/interval}}{{job.length}}{{groups.size}}";

  @Test
  void rendersWhatTheReflectiveLookupRenders() {
    List<TargetGroup> groups =
        List.of(
            new TargetGroup(List.of("a:1", "b:2"), Map.of("env", "prod", "team", "x")),
            TargetGroup.of("c:3", Map.of()));
    for (Map<String, Object> data :
        List.of(
            TemplateData.fileSd("web", groups),
            TemplateData.fileSd("empty", List.of()),
            TemplateData.rules("g", List.of(new RecordRule("r:a", "sum(x)")), "30s"),
            TemplateData.rules("g", List.of(), null))) {
      assertEquals(render(new ReflectionObjectHandler(), data), render(new MapScopes(), data));
    }
  }

  private static String render(ObjectHandler handler, Map<String, Object> data) {
    DefaultMustacheFactory factory = new DefaultMustacheFactory();
    factory.setObjectHandler(handler);
    StringWriter out = new StringWriter();
    factory.compile(new StringReader(TEMPLATE), "t").execute(out, data);
    return out.toString();
  }
}
