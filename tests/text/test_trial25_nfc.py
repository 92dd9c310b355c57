"""Words written with a combining accent (Unicode NFD: "e" + U+0301) are
the words with the accent composed (NFC), in the texts and in word-vector
files alike: a text typed on one system finds the vectors written on
another, and a word is not split around the mark."""

import numpy as np
import pandas as pd

from skmultimodal.text import TextSequencer, WordVectorFeatures, read_word_vectors

NFC, NFD = "caf\u00e9", "cafe\u0301"


def _file(path, word):
    path.write_text(f"{word} 1 0\ncrème 0 1\ntea 1 1\n", encoding="utf-8")
    return path


def test_the_reader_gives_words_in_nfc_whatever_the_file_writes(tmp_path):
    path = _file(tmp_path / "v.txt", NFD)
    vocabulary, vectors, _ = read_word_vectors(path, {NFC, "tea"})
    assert list(vocabulary) == [NFC, "tea"]
    assert vectors.tolist() == [[1.0, 0.0], [1.0, 1.0]]
    # the words asked for may be in NFD too
    assert list(read_word_vectors(path, {NFD})[0]) == [NFC]


def test_a_word_listed_in_both_forms_keeps_its_first_vector(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text(f"{NFD} 1 0\n{NFC} 0 1\n", encoding="utf-8")
    vocabulary, vectors, info = read_word_vectors(path)
    assert list(vocabulary) == [NFC] and vectors.tolist() == [[1.0, 0.0]]
    assert info["n_vectors"] == 2


def test_nfd_texts_find_the_vectors_of_an_nfc_file_and_the_other_way(tmp_path):
    for file_word, text_word in [(NFC, NFD), (NFD, NFC)]:
        path = _file(tmp_path / f"v{len(file_word)}.txt", file_word)
        X = pd.Series([f"{text_word} tea", "tea", text_word])
        features = WordVectorFeatures(path=str(path), warn_oov_rate=None)
        out = features.fit_transform(X)
        assert features.n_oov_ == 0
        np.testing.assert_allclose(out, [[1.0, 0.5], [1.0, 1.0], [1.0, 0.0]])


def test_the_sequencer_keeps_an_nfd_word_whole_and_equal_to_its_nfc_form():
    seq = TextSequencer(max_length=3).fit([f"{NFD} au lait", f"{NFC} noir"])
    out = seq.transform([f"{NFD} noir", f"{NFC} noir"])
    assert out[0].tolist() == out[1].tolist()
    assert np.count_nonzero(out[0]) == 2  # "café" and "noir", not "cafe" + "noir"
