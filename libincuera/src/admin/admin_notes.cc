// Admin: notes on sessions and saved session filters, after the scope checks
// of VisibleSession and OwnedProject.
#include <algorithm>

#include "admin/input_rules.h"
#include "core/text.h"
#include "incuera/admin.h"
#include "incuera/store.h"

namespace incuera {
namespace {

// Most saved filters one project keeps.
constexpr std::size_t kMaxSavedFilters = 100;

std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// The note text as stored: trimmed, 1..kMaxNoteChars characters, no control
// characters but line breaks and tabs.
Result<std::string> NoteText(std::string_view text) {
  std::string trimmed(internal::Trim(text));
  bool bad_control = std::any_of(trimmed.begin(), trimmed.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\n' && c != '\t' && c != '\r') || u == 0x7f;
  });
  if (trimmed.empty() || bad_control || CodePoints(trimmed) > kMaxNoteChars) {
    return InvalidArgument("'text' must be 1 to " + std::to_string(kMaxNoteChars) +
                           " characters without control characters");
  }
  return trimmed;
}

}  // namespace

Result<std::vector<Note>> Admin::ListNotes(const Principal& who, const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(VisibleSession(who, session_id).status());
  return store_.notes().ListBySession(session_id);
}

Result<Note> Admin::AddNote(const Principal& who, const std::string& session_id, std::int64_t at_ms,
                            std::string_view text) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  INCUERA_RETURN_IF_ERROR(VisibleSession(who, session_id).status());
  if (!who.user) return InvalidArgument("a note is written by a user (see Admin::AsUser)");
  if (at_ms < 0) return InvalidArgument("'at_ms' must be an integer >= 0");
  Note note;
  note.session_id = session_id;
  note.author_id = who.user->id;
  note.at_ms = at_ms;
  INCUERA_ASSIGN_OR_RETURN(note.text, NoteText(text));
  return store_.notes().Create(note);
}

Status Admin::DeleteNote(const Principal& who, const std::string& session_id,
                         const std::string& note_id) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  INCUERA_ASSIGN_OR_RETURN(Session session, VisibleSession(who, session_id));
  auto note = store_.notes().Get(note_id);
  if (!note.ok()) return note.status();
  if (note->session_id != session.id) return NotFound("note not found");
  if (who.user && note->author_id != who.user->id) {
    INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, session.project_id));
    if (project.owner_id != who.user->id) return NotFound("note not found");
  }
  return store_.notes().Delete(note_id);
}

Result<std::vector<SavedFilter>> Admin::ListSavedFilters(const Principal& who,
                                                         std::string_view project_ref) {
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, project_ref));
  return store_.saved_filters().ListByProject(project.id);
}

Result<SavedFilter> Admin::CreateSavedFilter(
    const Principal& who, std::string_view project_ref, std::string_view name,
    const std::vector<std::pair<std::string, std::string>>& filters) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, project_ref));
  SavedFilter filter;
  filter.project_id = project.id;
  filter.name = std::string(internal::Trim(name));
  if (filter.name.empty() || filter.name.size() > internal::kMaxName ||
      internal::HasControlChars(filter.name)) {
    return InvalidArgument("'name' must be 1 to " + std::to_string(internal::kMaxName) +
                           " characters without control characters");
  }
  INCUERA_RETURN_IF_ERROR(ParseSessionFilter(filters).status());
  for (const auto& entry : filters) {
    const std::string& key = entry.first;  // named, not bound: lambdas may capture it
    if (std::count_if(filters.begin(), filters.end(),
                      [&](const auto& other) { return other.first == key; }) > 1) {
      return InvalidArgument("filter '" + key + "' is given twice");
    }
    if (!entry.second.empty()) filter.filters.emplace_back(key, entry.second);
  }
  INCUERA_ASSIGN_OR_RETURN(std::vector<SavedFilter> existing,
                           store_.saved_filters().ListByProject(project.id));
  if (existing.size() >= kMaxSavedFilters) {
    return FailedPrecondition("a project keeps at most " + std::to_string(kMaxSavedFilters) +
                              " saved filters; delete one first");
  }
  auto created = store_.saved_filters().Create(filter);
  if (created.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("this project already has a saved filter named '" + filter.name + "'");
  }
  return created;
}

Status Admin::DeleteSavedFilter(const Principal& who, std::string_view project_ref,
                                const std::string& filter_id) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, project_ref));
  auto filter = store_.saved_filters().Get(filter_id);
  if (!filter.ok()) return filter.status();
  if (filter->project_id != project.id) return NotFound("saved filter not found");
  return store_.saved_filters().Delete(filter_id);
}

}  // namespace incuera
