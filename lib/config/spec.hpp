#pragma once
// Experiment specs: a YAML file plus `key.path=value` overrides, resolved against the parameter tables
// of the chosen components into a fully validated config. Every error names the file and line (or the
// override) and the key, and is raised before any work starts.
#include <map>
#include <string>
#include <vector>

#include "config/catalog.hpp"
#include "config/schedule_config.hpp"
#include "core/params.hpp"

namespace disent::config {

// Sections that select a registered component by `name`, with the registry kind they select from.
struct NamedSection {
    const char* section;
    const char* kind;
    const char* default_name;
};
const std::vector<NamedSection>& named_sections();

// Fixed parameter tables of the spec (not tied to a component).
const ParamTable& top_level_table();  // seed, device, recon_loss
const ParamTable& train_table();
const ParamTable& metrics_table();  // `during`/`final` choices are filled from the catalog

struct Section {
    std::string component;  // registry name for named sections, "" for fixed ones
    Params params;
};

struct ResolvedConfig {
    Params top;
    std::map<std::string, Section> sections;  // dataset, sampler, model, framework, optimizer, train, metrics
    std::vector<ScheduledKeyConfig> schedules;  // `schedules:`, in spec order (at most one per key)
    std::string source;                       // where the spec came from

    const Params& section(const std::string& name) const;
    const std::string& component(const std::string& name) const;
    // YAML text that resolves to the same config (written as <run>/config.yaml).
    std::string to_yaml() const;
    // Flat "section.key" -> YAML text of the value (for run names, sweeps and summaries).
    std::map<std::string, std::string> flat() const;
};

ResolvedConfig resolve_file(const std::string& path, const std::vector<std::string>& overrides,
                            const Catalog& catalog);
ResolvedConfig resolve_text(const std::string& yaml_text, const std::string& source_name,
                            const std::vector<std::string>& overrides, const Catalog& catalog);

// Markdown reference of every section and every registered component's parameters (docs/config.md).
std::string config_reference_markdown(const Catalog& catalog);

}  // namespace disent::config
