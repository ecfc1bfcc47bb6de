// SPDX-License-Identifier: GPL-3.0-or-later
// The click bound of the smoothing tests (ClickBound.h).
#include "ClickBound.h"

#include <algorithm>
#include <cmath>
#include <deque>

namespace backline::test {

double worstStepRatio(const std::vector<float>& out, double inputPeak, double inputStep, std::size_t from)
{
    const std::size_t n = out.size();
    // Local peak over [i - clickBoundWindow, i + clickBoundWindow]: a sliding maximum (monotonic deque).
    std::vector<double> local(n, 0.0);
    std::deque<std::size_t> window; // indices whose |out| decreases from front to back
    std::size_t next = 0;           // next index to enter the window
    for (std::size_t i = 0; i < n; ++i) {
        for (; next < std::min(n, i + clickBoundWindow + 1); ++next) {
            while (!window.empty() && std::fabs(out[window.back()]) <= std::fabs(out[next]))
                window.pop_back();
            window.push_back(next);
        }
        while (window.front() + clickBoundWindow < i)
            window.pop_front();
        local[i] = std::fabs(double(out[window.front()]));
    }
    double worst = 0.0;
    for (std::size_t i = std::max<std::size_t>(from, 1); i < n; ++i) {
        const double step = std::fabs(double(out[i]) - double(out[i - 1])) - clickBoundSnap;
        const double allowedScale = inputStep * local[i] / inputPeak;
        if (step > 0.0)
            worst = std::max(worst, step / allowedScale);
    }
    return worst;
}

} // namespace backline::test
