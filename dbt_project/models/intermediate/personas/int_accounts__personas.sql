{#- Per account: how many contacts it has, per persona, and whether one is an economic buyer. -#}

{%- set personas = ['economic_buyer', 'champion', 'technical_evaluator', 'end_user', 'unknown'] -%}

with contacts as (

    select * from {{ ref('int_contacts__personas') }}

),

final as (

    select
        account_id,
        count(*) as contact_count,
        {%- for persona in personas %}
        count(case when persona = '{{ persona }}' then 1 end) as {{ persona }}_contacts,
        {%- endfor %}
        max(case when persona = 'economic_buyer' then 1 else 0 end) = 1 as has_economic_buyer
    from contacts
    group by account_id

)

select * from final
