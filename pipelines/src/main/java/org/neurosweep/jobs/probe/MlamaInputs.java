package org.neurosweep.jobs.probe;

import java.nio.file.Path;
import java.util.List;
import org.neurosweep.data.MlamaDataset;
import org.neurosweep.job.DatasetSlice;
import org.neurosweep.methods.lrp.LanguageCorpus;
import org.neurosweep.methods.lrp.TemplateLanguageId;

/**
 * The dataset formats the probe jobs read:
 * <ul>
 *   <li>{@code mlama}: the path is an mLAMA-layout folder ({@code LANG/templates.jsonl}, {@code LANG/PID.jsonl});</li>
 *   <li>{@code mlama-corpus}: the path is a folder holding the mLAMA folder (option {@code mlama}, default
 *       {@code mlama}) and a monolingual corpus for LRP2's language vectors (option {@code corpus}): either a folder of
 *       {@code <lang>.txt} sentence files, or a mixed-language text file whose lines are assigned to languages by the
 *       templates of the knowledge-base file named by option {@code corpus-templates} (the world corpus:
 *       {@code pretrain.txt} with {@code world_kb.json}). Option paths are relative to the dataset folder.</li>
 * </ul>
 */
public final class MlamaInputs {

    public static final String MLAMA = "mlama";
    public static final String MLAMA_CORPUS = "mlama-corpus";

    private MlamaInputs() {
    }

    /** The mLAMA dataset of a slice of either format, {@code local} being its local path. */
    public static MlamaDataset mlama(DatasetSlice slice, Path local) {
        return MlamaDataset.open(slice.format().equals(MLAMA) ? local
                : local.resolve(slice.options().getOrDefault("mlama", "mlama")));
    }

    /** The language corpus of an {@code mlama-corpus} slice, cut to {@code maxSentences} per language (0 = all). */
    public static LanguageCorpus corpus(DatasetSlice slice, Path local, List<String> languages, int maxSentences) {
        String corpus = slice.options().get("corpus");
        if (!slice.format().equals(MLAMA_CORPUS) || corpus == null) {
            throw new IllegalArgumentException("dataset '" + slice.name() + "' must have format " + MLAMA_CORPUS
                    + " with option 'corpus' (a folder of <lang>.txt, or a text file with option 'corpus-templates')");
        }
        Path path = local.resolve(corpus);
        String templates = slice.options().get("corpus-templates");
        LanguageCorpus read = templates == null ? LanguageCorpus.fromLanguageFiles(path, languages)
                : LanguageCorpus.fromMixedText(path, TemplateLanguageId.fromKnowledgeBase(local.resolve(templates)));
        return read.limit(maxSentences);
    }
}
