{# A quarantine model loses at most `max_share` of its rows. Fails with the rejected rows, so the
   failure count is how many rows the table lost; severity (warn / error) is set where it is used. #}
{% test rejected_share(model, max_share) %}
    with shares as (
        select count(case when _rejection_reason is not null then 1 end) * 1.0
            / nullif(count(*), 0) as rejected_share
        from {{ model }}
    )
    select quarantined._row_key, quarantined._rejection_reason
    from {{ model }} as quarantined
    cross join shares
    where quarantined._rejection_reason is not null
        and shares.rejected_share > {{ max_share }}
{% endtest %}
