#include "pattern.h"

#include "text.h"

#include <algorithm>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace leakscope {

namespace {

// UTF: patterns and subjects are UTF-8 and "." is a character, not a byte. MATCH_INVALID_UTF: a repr
// is whatever bytes the target had, and must not make a search fail; invalid sequences simply match
// nothing. Without UCP, \d, \w, \s and \b stay ASCII, as in the filter's QRegularExpression before.
constexpr std::uint32_t kCompileOptions = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;

// What a thread needs to search: match data (one pair of offsets, since only "whether" is asked), a
// context carrying the limits, and a stack for machine-code matching. Created once per thread, so a
// search allocates nothing and a Pattern can be shared between threads.
class MatchState
{
public:
    MatchState()
        : m_data(pcre2_match_data_create(1, nullptr))
        , m_context(pcre2_match_context_create(nullptr))
        , m_stack(pcre2_jit_stack_create(32 * 1024, Pattern::kJitStackBytes, nullptr))
    {
        if (!m_context)
            return;
        pcre2_set_match_limit(m_context, Pattern::kMatchLimit);
        pcre2_set_depth_limit(m_context, Pattern::kDepthLimit);
        pcre2_set_heap_limit(m_context, Pattern::kHeapLimitKiB);
        if (m_stack)
            pcre2_jit_stack_assign(m_context, nullptr, m_stack);
    }

    ~MatchState()
    {
        pcre2_jit_stack_free(m_stack);
        pcre2_match_context_free(m_context);
        pcre2_match_data_free(m_data);
    }

    MatchState(const MatchState&) = delete;
    MatchState& operator=(const MatchState&) = delete;

    bool valid() const { return m_data && m_context; }
    pcre2_match_data* data() const { return m_data; }
    pcre2_match_context* context() const { return m_context; }

private:
    pcre2_match_data* m_data;
    pcre2_match_context* m_context;
    pcre2_jit_stack* m_stack;
};

std::string errorMessage(int code)
{
    PCRE2_UCHAR buffer[256];
    const int length = pcre2_get_error_message(code, buffer, sizeof buffer);
    if (length < 0)
        return "error " + std::to_string(code);
    return std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
}

} // namespace

struct Pattern::Code
{
    std::string source;
    Options options;
    pcre2_code* code = nullptr;

    Code() = default;
    Code(const Code&) = delete;
    Code& operator=(const Code&) = delete;
    ~Code() { pcre2_code_free(code); }
};

PatternError::PatternError(const std::string& reason, std::size_t offset)
    : std::invalid_argument(reason + " at offset " + std::to_string(offset))
    , m_reason(reason)
    , m_offset(offset)
{
}

Pattern::Pattern(std::shared_ptr<const Code> code)
    : m_code(std::move(code))
{
}

Pattern Pattern::compile(std::string_view source, Options options)
{
    auto code = std::make_shared<Code>();
    code->source = source;
    code->options = options;
    int error = 0;
    PCRE2_SIZE errorOffset = 0;
    // The source's own copy: PCRE2 wants a pointer even for an empty pattern, which std::string gives.
    code->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(code->source.c_str()), code->source.size(),
                               kCompileOptions | (options.caseless ? PCRE2_CASELESS : 0), &error, &errorOffset,
                               nullptr);
    if (!code->code) {
        // PCRE2 counts in bytes; people count characters.
        const std::size_t offset = utf8Length(source.substr(0, std::min<std::size_t>(errorOffset, source.size())));
        throw PatternError(errorMessage(error), offset);
    }
    // Machine code where PCRE2 has a compiler for this processor; it honours the match limit too. When
    // it fails (no JIT support, no executable memory), the interpreter runs under the same limits.
    pcre2_jit_compile(code->code, PCRE2_JIT_COMPLETE);
    return Pattern(std::move(code));
}

Pattern::Result Pattern::search(std::string_view text) const
{
    thread_local MatchState state;
    if (!state.valid())
        return Result::LimitHit; // out of memory: undecided, like any other exhausted resource
    // An empty view may have no data pointer, which PCRE2 refuses even for length 0.
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.empty() ? "" : text.data());
    const int rc = pcre2_match(m_code->code, subject, text.size(), 0, 0, state.data(), state.context());
    if (rc >= 0) // 0: a match whose offsets did not fit the one pair asked for
        return Result::Match;
    if (rc == PCRE2_ERROR_NOMATCH)
        return Result::NoMatch;
    // PCRE2_ERROR_MATCHLIMIT, _DEPTHLIMIT, _HEAPLIMIT, _JIT_STACKLIMIT, _NOMEMORY: the options above
    // leave no other error a valid pattern can meet.
    return Result::LimitHit;
}

const std::string& Pattern::source() const
{
    return m_code->source;
}

Pattern::Options Pattern::options() const
{
    return m_code->options;
}

} // namespace leakscope
