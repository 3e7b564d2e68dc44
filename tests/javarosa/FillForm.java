/*
 * FillForm: fill an XForm with the JavaRosa engine the way ODK Collect does, and print the
 * instance XML exactly as Collect writes it to disk (and later submits it).
 *
 * Part of the sangloc test suite. Compiled against the ODK Validate jar shipped in the pyxform
 * wheel (it bundles org.getodk:javarosa 5.1.0):
 *
 *   javac -cp ODK_Validate.jar -d build FillForm.java
 *   java -cp ODK_Validate.jar:build FillForm form.xml answers.tsv [options] > instance.xml
 *
 * answers.tsv is UTF-8, one answer per line: PATH<TAB>VALUE. Empty lines and lines starting
 * with '#' are ignored. In VALUE the escapes \t, \n, \r and \\ stand for a tab, a newline, a
 * carriage return and a backslash. PATH is the question's reference, e.g. /data/q01 or
 * /data/grp/q01. A path without positions applies to every instance of a question inside a
 * repeat; positions (1-based, as in XPath) restrict it: /data/rep[2]/q. When both match, the
 * path with more positions wins. A repeat's own path (e.g. /data/rep or /data/outer[1]/inner)
 * with an integer VALUE asks for that many instances of a repeat that Collect would offer to add
 * ("Add another ...?"); without it no instance is added.
 *
 * VALUE is converted by the question's type: select one = the choice value (must be one of the
 * choices), select multiple = choice values separated by spaces, date = yyyy-MM-dd, time =
 * HH:mm[:ss[.SSS]][zone], dateTime = ISO 8601, int, decimal, geopoint = "lat lon [alt acc]",
 * anything else = text. An empty VALUE clears the answer.
 *
 * Like Collect, the walk answers only questions that are relevant when reached (JavaRosa's
 * FormEntryController skips non-relevant ones), then validates the whole form as when the user
 * finalizes (FormDef.validate(), i.e. validate(true): required and constraints), runs
 * finalizeFormEntry() (end timestamp and other post-processing) and serialises the main instance
 * with XFormSerializingVisitor.createSerializedPayload(instance), which is what Collect's
 * getFilledInFormXml() writes to the instance file.
 *
 * Options:
 *   --property NAME=VALUE   value for a jr:preload="property" (deviceid, username, email,
 *                           phonenumber); may be repeated. deviceid defaults to
 *                           collect:FillFormTest0000.
 *   --allow-unused          do not fail when an answer line matched no relevant question.
 *   --location "LAT LON ALT ACC"
 *                           the fix odk:setgeopoint actions (start-geopoint) receive; without it
 *                           they stay blank, like Collect on a device that never gets a fix.
 *
 * Exit status: 0 = instance written to stdout; 2 = a constraint or a required question failed
 * (the question is named on stderr); 3 = unusable input (unknown path, value not among the
 * choices, value not of the question's type, answer for a read-only question); 1 = anything else
 * (form does not parse, I/O errors, ...). Nothing but the instance is ever written to stdout.
 *
 * Edits (meta/deprecatedID) are not simulated here: Collect gives an edited instance a new
 * meta/instanceID and moves the old one to meta/deprecatedID; the Python side produces such an
 * instance by text substitution on the output of this program.
 */

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.javarosa.core.model.Constants;
import org.javarosa.core.model.FormDef;
import org.javarosa.core.model.FormIndex;
import org.javarosa.core.model.SelectChoice;
import org.javarosa.core.model.ValidateOutcome;
import org.javarosa.core.model.actions.setgeopoint.SetGeopointAction;
import org.javarosa.core.model.actions.setgeopoint.SetGeopointActionHandler;
import org.javarosa.core.model.data.AnswerDataFactory;
import org.javarosa.core.model.data.IAnswerData;
import org.javarosa.core.model.data.SelectMultiData;
import org.javarosa.core.model.data.SelectOneData;
import org.javarosa.core.model.data.UncastData;
import org.javarosa.core.model.data.helper.Selection;
import org.javarosa.core.model.instance.InstanceInitializationFactory;
import org.javarosa.core.model.instance.TreeElement;
import org.javarosa.core.model.instance.TreeReference;
import org.javarosa.core.services.IPropertyManager;
import org.javarosa.core.services.PropertyManager;
import org.javarosa.core.services.properties.IPropertyRules;
import org.javarosa.core.services.transport.payload.IDataPayload;
import org.javarosa.form.api.FormEntryController;
import org.javarosa.form.api.FormEntryModel;
import org.javarosa.form.api.FormEntryPrompt;
import org.javarosa.model.xform.XFormSerializingVisitor;
import org.javarosa.xform.parse.XFormParser;
import org.javarosa.xform.util.XFormUtils;

public final class FillForm {

    static final int EXIT_FAILED = 1;
    static final int EXIT_INVALID = 2;
    static final int EXIT_BAD_INPUT = 3;

    /** A failure with the exit status it should produce. */
    static final class FillException extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        FillException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** One level of an answer path: an element name and an optional 1-based position. */
    static final class Step {
        final String name;
        final int position; // 0 = any

        Step(String name, int position) {
            this.name = name;
            this.position = position;
        }
    }

    /** A parsed answer line. */
    static final class Answer {
        final String path;
        final String value;
        final List<Step> steps;
        final int positions;

        Answer(String path, String value, List<Step> steps) {
            this.path = path;
            this.value = value;
            this.steps = steps;
            int n = 0;
            for (Step s : steps) {
                if (s.position > 0) {
                    n++;
                }
            }
            this.positions = n;
        }
    }

    /** Properties for jr:preload="property", the role Collect's own property manager plays. */
    static final class FixedProperties implements IPropertyManager {
        private final Map<String, String> values;
        private final List<IPropertyRules> rules = new ArrayList<>();

        FixedProperties(Map<String, String> values) {
            this.values = values;
        }

        @Override
        public List<String> getProperty(String name) {
            String v = values.get(name);
            return v == null ? null : Collections.singletonList(v);
        }

        @Override
        public void setProperty(String name, String value) {
            values.put(name, value);
        }

        @Override
        public void setProperty(String name, List<String> value) {
            values.put(name, value.isEmpty() ? null : value.get(0));
        }

        @Override
        public String getSingularProperty(String name) {
            return values.get(name);
        }

        @Override
        public void addRules(IPropertyRules r) {
            rules.add(r);
        }

        @Override
        public List<IPropertyRules> getRules() {
            return rules;
        }
    }

    /** The device location for odk:setgeopoint; null = no fix. */
    static String location;

    /** Collect answers odk:setgeopoint when the location provider reports a fix. */
    static final class FixedLocationAction extends SetGeopointAction {
        public FixedLocationAction() {
            super();
        }

        FixedLocationAction(TreeReference target) {
            super(target);
        }

        @Override
        public void requestLocationUpdates() {
            if (location != null) {
                saveLocationValue(location);
            }
        }
    }

    /** Replaces JavaRosa's stub handler, which writes a non-geopoint text and fails. */
    static final class FixedLocationHandler extends SetGeopointActionHandler {
        @Override
        public SetGeopointAction getSetGeopointAction() {
            return new FixedLocationAction();
        }
    }

    private final List<Answer> answers;
    private final Set<Answer> used = new LinkedHashSet<>();

    private FillForm(List<Answer> answers) {
        this.answers = answers;
    }

    public static void main(String[] args) {
        // Keep stdout for the instance bytes only: anything the libraries print goes to stderr.
        PrintStream out = System.out;
        System.setOut(System.err);
        int status = 0;
        try {
            byte[] xml = run(args);
            out.write(xml);
            out.flush();
        } catch (FillException e) {
            System.err.println("FillForm: " + e.getMessage());
            status = e.status;
        } catch (Exception e) {
            System.err.println("FillForm: " + e);
            e.printStackTrace(System.err);
            status = EXIT_FAILED;
        }
        System.exit(status);
    }

    private static byte[] run(String[] args) throws Exception {
        Map<String, String> properties = new HashMap<>();
        properties.put("deviceid", "collect:FillFormTest0000");
        boolean allowUnused = false;
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--allow-unused")) {
                allowUnused = true;
            } else if (a.equals("--location") && i + 1 < args.length) {
                location = args[++i];
            } else if (a.equals("--property") && i + 1 < args.length) {
                String kv = args[++i];
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new FillException(EXIT_FAILED, "--property needs NAME=VALUE, got " + kv);
                }
                properties.put(kv.substring(0, eq), kv.substring(eq + 1));
            } else if (a.startsWith("--")) {
                throw new FillException(EXIT_FAILED, "unknown option " + a);
            } else {
                files.add(a);
            }
        }
        if (files.size() != 2) {
            throw new FillException(EXIT_FAILED,
                    "usage: FillForm form.xml answers.tsv [--property NAME=VALUE]..."
                    + " [--allow-unused] [--location 'LAT LON ALT ACC']");
        }
        PropertyManager.setPropertyManager(new FixedProperties(properties));
        XFormParser.registerActionHandler(SetGeopointActionHandler.ELEMENT_NAME,
                new FixedLocationHandler());

        FormDef formDef;
        try (InputStream in = new FileInputStream(files.get(0))) {
            formDef = XFormUtils.getFormFromInputStream(in);
        }
        FillForm filler = new FillForm(readAnswers(files.get(1)));
        return filler.fill(formDef, allowUnused);
    }

    private byte[] fill(FormDef formDef, boolean allowUnused) throws Exception {
        // Collect's FormLoaderTask: a blank form is initialised as a new instance, which runs
        // the "form load" preloads (instanceID uid, start timestamp, properties, ...).
        formDef.initialize(true, new InstanceInitializationFactory());
        FormEntryController fec = new FormEntryController(new FormEntryModel(formDef));

        fec.jumpToIndex(FormIndex.createBeginningOfFormIndex());
        for (int event = fec.stepToNextEvent();
                event != FormEntryController.EVENT_END_OF_FORM;
                event = fec.stepToNextEvent()) {
            if (event == FormEntryController.EVENT_QUESTION) {
                answerCurrent(fec);
            } else if (event == FormEntryController.EVENT_PROMPT_NEW_REPEAT) {
                maybeAddRepeat(fec);
            }
        }

        if (!allowUnused) {
            List<String> unused = new ArrayList<>();
            for (Answer a : answers) {
                if (!used.contains(a)) {
                    unused.add(a.path);
                }
            }
            if (!unused.isEmpty()) {
                throw new FillException(EXIT_BAD_INPUT, "answers matched no relevant question or "
                        + "repeat: " + String.join(", ", unused));
            }
        }

        // Collect on "Finalize": validate everything (required + constraints), then finalize.
        // (FormDef.validate() is validate(true); the boolean overload is deprecated in 5.x.)
        ValidateOutcome outcome = formDef.validate();
        if (outcome != null && outcome.outcome != FormEntryController.ANSWER_OK) {
            String what = outcome.outcome == FormEntryController.ANSWER_REQUIRED_BUT_EMPTY
                    ? "required question is empty" : "constraint violated";
            throw new FillException(EXIT_INVALID,
                    what + ": " + describe(formDef, outcome.failedPrompt));
        }
        fec.finalizeFormEntry();

        XFormSerializingVisitor serializer = new XFormSerializingVisitor();
        IDataPayload payload = serializer.createSerializedPayload(formDef.getInstance());
        try (InputStream in = payload.getPayloadStream()) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toByteArray();
        }
    }

    private static String describe(FormDef formDef, FormIndex index) {
        if (index == null || index.getReference() == null) {
            return "(unknown question)";
        }
        String ref = display(formDef, index.getReference());
        try {
            String constraint = new FormEntryPrompt(formDef, index).getConstraintText();
            if (constraint != null) {
                return ref + " (" + constraint + ")";
            }
        } catch (RuntimeException e) {
            // the reference alone still names the question
        }
        return ref;
    }

    /** The reference as an answer path, with 1-based positions on repeat levels only. */
    private static String display(FormDef formDef, TreeReference ref) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ref.size(); i++) {
            sb.append('/').append(ref.getName(i));
            int mult = ref.getMultiplicity(i);
            if (mult > 0 || (mult == 0 && isRepeat(formDef, ref.getSubReference(i)))) {
                sb.append('[').append(mult + 1).append(']');
            }
        }
        return sb.toString();
    }

    private static boolean isRepeat(FormDef formDef, TreeReference ref) {
        try {
            TreeElement node = formDef.getMainInstance().resolveReference(ref);
            return node != null && node.isRepeatable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The answer line for this reference, preferring the one naming the most positions. */
    private Answer find(TreeReference ref) {
        Answer best = null;
        for (Answer a : answers) {
            if (matches(a, ref) && (best == null || a.positions > best.positions)) {
                best = a;
            }
        }
        return best;
    }

    private static boolean matches(Answer a, TreeReference ref) {
        if (a.steps.size() != ref.size()) {
            return false;
        }
        for (int i = 0; i < ref.size(); i++) {
            Step s = a.steps.get(i);
            if (!s.name.equals(ref.getName(i))) {
                return false;
            }
            if (s.position > 0 && s.position != ref.getMultiplicity(i) + 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * At Collect's "Add another ...?" prompt: add an instance if the answers ask for more
     * instances of this repeat than exist. The prompt's last level is the would-be new instance,
     * so its 0-based multiplicity is the number of instances that already exist.
     */
    private void maybeAddRepeat(FormEntryController fec) throws FillException {
        TreeReference ref = fec.getModel().getFormIndex().getReference();
        Answer answer = find(ref);
        if (answer == null) {
            return;
        }
        used.add(answer);
        int wanted;
        try {
            wanted = Integer.parseInt(answer.value.trim());
        } catch (NumberFormatException e) {
            throw new FillException(EXIT_BAD_INPUT, answer.path + " is a repeat: its value must be "
                    + "the number of instances, got '" + answer.value + "'");
        }
        if (ref.getMultLast() < wanted) {
            fec.newRepeat();
        }
    }

    private void answerCurrent(FormEntryController fec) throws FillException {
        FormEntryModel model = fec.getModel();
        FormIndex index = model.getFormIndex();
        TreeReference ref = index.getReference();
        Answer answer = find(ref);
        if (answer == null) {
            return;
        }
        used.add(answer);
        String where = display(model.getForm(), ref);
        FormEntryPrompt prompt = model.getQuestionPrompt();
        if (prompt.isReadOnly()) {
            throw new FillException(EXIT_BAD_INPUT, where + " is read-only and cannot be answered "
                    + "(answer line " + answer.path + ")");
        }
        IAnswerData data = convert(prompt, answer.value, where);
        // Collect answers with midSurvey = true; an empty required answer is only refused when
        // the form is finalized (FormDef.validate below).
        int result = fec.answerQuestion(index, data, true);
        if (result == FormEntryController.ANSWER_CONSTRAINT_VIOLATED) {
            String hint = prompt.getConstraintText();
            throw new FillException(EXIT_INVALID, "constraint violated: " + where + " = '"
                    + answer.value + "'" + (hint == null ? "" : " (" + hint + ")"));
        }
        if (result != FormEntryController.ANSWER_OK
                && result != FormEntryController.ANSWER_REQUIRED_BUT_EMPTY) {
            throw new FillException(EXIT_FAILED,
                    "answer to " + where + " refused (" + result + ")");
        }
    }

    private static IAnswerData convert(FormEntryPrompt prompt, String value, String where)
            throws FillException {
        if (value.isEmpty()) {
            return null;
        }
        int control = prompt.getControlType();
        int type = prompt.getDataType();
        if (control == Constants.CONTROL_SELECT_ONE || type == Constants.DATATYPE_CHOICE) {
            return new SelectOneData(choice(prompt, value, where).selection());
        }
        if (control == Constants.CONTROL_SELECT_MULTI || type == Constants.DATATYPE_CHOICE_LIST) {
            List<Selection> picked = new ArrayList<>();
            for (String v : value.trim().split("\\s+")) {
                picked.add(choice(prompt, v, where).selection());
            }
            return new SelectMultiData(picked);
        }
        IAnswerData template = AnswerDataFactory.template(control, type);
        try {
            return template.cast(new UncastData(value));
        } catch (RuntimeException e) {
            throw new FillException(EXIT_BAD_INPUT, where + ": '" + value + "' is not a valid "
                    + template.getClass().getSimpleName() + " (" + e.getMessage() + ")");
        }
    }

    private static SelectChoice choice(FormEntryPrompt prompt, String value, String where)
            throws FillException {
        List<SelectChoice> choices = prompt.getSelectChoices();
        List<String> known = new ArrayList<>();
        if (choices != null) {
            for (SelectChoice c : choices) {
                if (c.getValue().equals(value)) {
                    return c;
                }
                known.add(c.getValue());
            }
        }
        throw new FillException(EXIT_BAD_INPUT, where + ": '" + value + "' is not one of the "
                + "choices " + known);
    }

    private static List<Answer> readAnswers(String file) throws IOException, FillException {
        List<String> lines = Files.readAllLines(Paths.get(file), StandardCharsets.UTF_8);
        Map<String, Answer> byPath = new LinkedHashMap<>();
        int number = 0;
        for (String line : lines) {
            number++;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab <= 0) {
                throw new FillException(EXIT_BAD_INPUT, file + ":" + number
                        + ": expected PATH<TAB>VALUE");
            }
            String path = line.substring(0, tab).trim();
            List<Step> steps = parsePath(path, file + ":" + number);
            if (byPath.containsKey(path)) {
                throw new FillException(EXIT_BAD_INPUT, file + ":" + number + ": " + path
                        + " given twice");
            }
            byPath.put(path, new Answer(path, unescape(line.substring(tab + 1)), steps));
        }
        return new ArrayList<>(byPath.values());
    }

    private static List<Step> parsePath(String path, String where) throws FillException {
        if (!path.startsWith("/")) {
            throw new FillException(EXIT_BAD_INPUT, where + ": path must be absolute: " + path);
        }
        List<Step> steps = new ArrayList<>();
        for (String part : path.substring(1).split("/", -1)) {
            String name = part;
            int position = 0;
            int open = part.indexOf('[');
            if (open >= 0) {
                if (!part.endsWith("]")) {
                    throw new FillException(EXIT_BAD_INPUT, where + ": bad step " + part);
                }
                name = part.substring(0, open);
                try {
                    position = Integer.parseInt(part.substring(open + 1, part.length() - 1));
                } catch (NumberFormatException e) {
                    throw new FillException(EXIT_BAD_INPUT, where + ": bad position in " + part);
                }
                if (position < 1) {
                    throw new FillException(EXIT_BAD_INPUT, where + ": positions start at 1: "
                            + part);
                }
            }
            if (name.isEmpty()) {
                throw new FillException(EXIT_BAD_INPUT, where + ": empty step in " + path);
            }
            steps.add(new Step(name, position));
        }
        return steps;
    }

    private static String unescape(String raw) {
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                char n = raw.charAt(++i);
                switch (n) {
                    case 't':
                        sb.append('\t');
                        break;
                    case 'n':
                        sb.append('\n');
                        break;
                    case 'r':
                        sb.append('\r');
                        break;
                    default:
                        sb.append(n);
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
