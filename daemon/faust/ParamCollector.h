// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "faust/DspParam.h"

#include <faust/gui/UI.h>

#include <map>
#include <string>
#include <vector>

class dsp; // Faust's base class (faust/dsp/dsp.h)

namespace backline::faust {

/// Reads a DSP's controls from its UI description: each slider, entry, checkbox and button
/// becomes a DspParam whose path is relative to the top-level group. Bargraphs are outputs and
/// are skipped; sound files are refused (backline DSP cannot load them). A checkbox may declare
/// `[init:1]` to start ticked (Faust itself has no default for checkboxes).
class ParamCollector final : public ::UI {
public:
    /// [control] The controls of dsp, or why it cannot be used (named by origin in the message).
    static Result<std::vector<DspParam>> collect(::dsp& dsp, const std::string& origin);

private:
    // ::UI, called by the DSP's buildUserInterface() through a base pointer.
    void openTabBox(const char* label) override { openBox(label); }
    void openHorizontalBox(const char* label) override { openBox(label); }
    void openVerticalBox(const char* label) override { openBox(label); }
    void closeBox() override;

    void addButton(const char* label, FAUSTFLOAT* zone) override;
    void addCheckButton(const char* label, FAUSTFLOAT* zone) override;
    void addVerticalSlider(
        const char* label, FAUSTFLOAT* zone, FAUSTFLOAT init, FAUSTFLOAT min, FAUSTFLOAT max, FAUSTFLOAT step) override;
    void addHorizontalSlider(
        const char* label, FAUSTFLOAT* zone, FAUSTFLOAT init, FAUSTFLOAT min, FAUSTFLOAT max, FAUSTFLOAT step) override;
    void addNumEntry(
        const char* label, FAUSTFLOAT* zone, FAUSTFLOAT init, FAUSTFLOAT min, FAUSTFLOAT max, FAUSTFLOAT step) override;
    void addHorizontalBargraph(const char*, FAUSTFLOAT*, FAUSTFLOAT, FAUSTFLOAT) override { }
    void addVerticalBargraph(const char*, FAUSTFLOAT*, FAUSTFLOAT, FAUSTFLOAT) override { }
    void addSoundfile(const char* label, const char* filename, Soundfile** zone) override;
    void declare(FAUSTFLOAT* zone, const char* key, const char* value) override;

    /// Metadata Faust declares for a widget just before adding it.
    struct WidgetMeta {
        std::string unit;
        std::string tooltip;
        bool startsTicked = false; ///< a checkbox's [init:1]
        bool logScale = false;     ///< [scale:log]
        int midiCc = -1;           ///< [midi:ctrl n]
    };

    explicit ParamCollector(std::string origin);
    void openBox(const char* label);
    void add(const char* label, FAUSTFLOAT* zone, ParamKind kind, FAUSTFLOAT init, FAUSTFLOAT min, FAUSTFLOAT max,
        FAUSTFLOAT step);
    std::string pathOf(const char* label) const;
    void fail(std::string message);

    std::string origin_;
    std::vector<std::string> groups_; // open boxes, outermost (the top-level group) first
    std::map<FAUSTFLOAT*, WidgetMeta> meta_;
    std::vector<DspParam> params_;
    std::string error_; // the first problem found; empty while all is well
};

} // namespace backline::faust
