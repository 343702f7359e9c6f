"""1:1 coaching: series between two employees, meetings, agenda, notes and action items."""
