package io.promeshard.agent.render;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.DefaultMustacheVisitor;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheResolver;
import com.github.mustachejava.MustacheVisitor;
import com.github.mustachejava.TemplateContext;
import java.io.Writer;

/**
 * A Mustache factory whose {@code {{x}}} tags escape for the output format instead of HTML, and
 * which refuses to compile unescaped tags ({@code {{{x}}}}, {@code {{&x}}}) with a
 * MustacheException naming the template and line, since a raw value could break the JSON or YAML
 * around it.
 */
final class EscapingMustacheFactory extends DefaultMustacheFactory {
  private final Escaping escaping;

  EscapingMustacheFactory(MustacheResolver resolver, Escaping escaping) {
    super(resolver);
    this.escaping = escaping;
    setObjectHandler(new MapScopes());
  }

  @Override
  public void encode(String value, Writer writer) {
    escaping.escape(value, writer);
  }

  @Override
  public MustacheVisitor createMustacheVisitor() {
    return new DefaultMustacheVisitor(this) {
      @Override
      public void value(TemplateContext tc, String variable, boolean encoded) {
        if (!encoded) {
          throw new MustacheException(
              "unescaped variable \""
                  + variable
                  + "\" at "
                  + tc.file()
                  + ":"
                  + tc.line()
                  + " (triple braces and & are not allowed; use the escaped double-brace form inside quotes)");
        }
        super.value(tc, variable, encoded);
      }
    };
  }
}
